package dev.sekisho.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.time.OffsetDateTime;

/** Versions of the scanner and database that produced the findings. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ScannerInfo {
  @JsonPropertyDescription("Sekisho scanner version.")
  private String version;

  @JsonPropertyDescription("Vulnerability database schema version and build id.")
  private String databaseVersion;

  @JsonPropertyDescription("When the vulnerability database was built.")
  private OffsetDateTime databaseBuilt;

  public String getVersion() {
    return version;
  }

  public void setVersion(String version) {
    this.version = version;
  }

  public String getDatabaseVersion() {
    return databaseVersion;
  }

  public void setDatabaseVersion(String databaseVersion) {
    this.databaseVersion = databaseVersion;
  }

  public OffsetDateTime getDatabaseBuilt() {
    return databaseBuilt;
  }

  public void setDatabaseBuilt(OffsetDateTime databaseBuilt) {
    this.databaseBuilt = databaseBuilt;
  }
}
