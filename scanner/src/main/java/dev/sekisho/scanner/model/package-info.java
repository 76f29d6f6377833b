/**
 * Immutable data that flows between the scanner's stages: image facts, packages, findings and the
 * aggregate {@link dev.sekisho.scanner.model.ScanReport}. No logic beyond validation and small
 * derived values.
 */
package dev.sekisho.scanner.model;
