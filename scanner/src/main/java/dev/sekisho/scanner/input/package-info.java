/**
 * Reading documents that users hand to Sekisho (policy files, the CLI config file, SBOMs) within
 * limits, and describing what is wrong with them in plain words.
 */
package dev.sekisho.scanner.input;
