/** JOSDK reconcilers for ScanResult, ScanPolicy and ClusterScanPolicy. */
package dev.sekisho.operator.reconcile;
