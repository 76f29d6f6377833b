package dev.sekisho.scanner.vulndb;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** Changes to a built vulnerability database that tests need and no Sekisho command makes. */
public final class DatabaseFixtures {
  private DatabaseFixtures() {}

  /** Rewrites the schema version a database declares, as an older or newer Sekisho's would. */
  public static void setSchemaVersion(Path dir, int version) throws SQLException {
    try (Connection c =
            DriverManager.getConnection("jdbc:sqlite:" + VulnDatabase.databaseFile(dir));
        Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE meta SET value='" + version + "' WHERE key='schema_version'");
    }
  }
}
