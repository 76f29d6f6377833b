package dev.sekisho.scanner.model;

import java.time.Instant;

/**
 * Which scanner and database produced a report, and when.
 *
 * @param scannerVersion Sekisho version
 * @param databaseVersion database schema version and build id, or null when no database was used
 * @param databaseBuilt when the database was built, or null
 * @param scannedAt when the scan finished
 */
public record ScannerMetadata(
    String scannerVersion, String databaseVersion, Instant databaseBuilt, Instant scannedAt) {}
