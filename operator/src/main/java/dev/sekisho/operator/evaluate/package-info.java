/**
 * The decision for one ScanResult as a pure function: the policies that select it, its report and
 * the time in, the status out. Only the ScanResult reconciler calls it and writes what it returns.
 */
package dev.sekisho.operator.evaluate;
