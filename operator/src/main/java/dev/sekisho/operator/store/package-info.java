/** The operator's embedded store of full scan reports, one file per ScanResult. */
package dev.sekisho.operator.store;
