/**
 * VEX (Vulnerability Exploitability eXchange): reading OpenVEX, CycloneDX VEX and CSAF VEX
 * documents into statements, matching statements to findings by vulnerability id or alias and by
 * normalised package URL, and writing the exceptions that applied to a scan as OpenVEX.
 */
package dev.sekisho.scanner.vex;
