/** Expiry of ScanResults whose images are neither scanned again nor run. */
package dev.sekisho.operator.retention;
