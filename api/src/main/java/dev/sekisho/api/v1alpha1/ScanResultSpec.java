package dev.sekisho.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * What was scanned and what was found. Written by the operator's scan API; small by design
 * (findings are a bounded excerpt).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ScanResultSpec {
  @JsonPropertyDescription("Image reference as given to the scan (registry/repository:tag).")
  @Required
  @Size(min = 1, max = 1024)
  private String image;

  @JsonPropertyDescription("Manifest digest of the scanned image.")
  @Pattern("^sha256:[a-f0-9]{64}$")
  private String digest;

  @JsonPropertyDescription("Platform scanned (os/arch[/variant]).")
  @Pattern("^[a-z0-9]+/[a-z0-9_]+(/[a-z0-9]+)?$")
  private String platform;

  @JsonPropertyDescription("Identified base image, if any.")
  private String baseImage;

  @JsonPropertyDescription("The Tekton run that submitted the scan.")
  private ScanSource source;

  @JsonPropertyDescription("Scanner and database versions.")
  private ScannerInfo scanner;

  @JsonPropertyDescription("Operating system of the image.")
  private OsInfo os;

  @JsonPropertyDescription("Image configuration facts.")
  private ImageConfigFacts config;

  @JsonPropertyDescription("Counts of what was found.")
  private FindingSummary summary;

  @JsonPropertyDescription("The most severe findings (at most 100; see summary for totals).")
  @Size(max = 100)
  private List<Finding> findings = new ArrayList<>();

  @JsonPropertyDescription("When the image was scanned.")
  private OffsetDateTime scannedAt;

  @JsonPropertyDescription("Key of the full inventory and findings in the operator's store.")
  private String storeKey;

  public String getImage() {
    return image;
  }

  public void setImage(String image) {
    this.image = image;
  }

  public String getDigest() {
    return digest;
  }

  public void setDigest(String digest) {
    this.digest = digest;
  }

  public String getPlatform() {
    return platform;
  }

  public void setPlatform(String platform) {
    this.platform = platform;
  }

  public String getBaseImage() {
    return baseImage;
  }

  public void setBaseImage(String baseImage) {
    this.baseImage = baseImage;
  }

  public ScanSource getSource() {
    return source;
  }

  public void setSource(ScanSource source) {
    this.source = source;
  }

  public ScannerInfo getScanner() {
    return scanner;
  }

  public void setScanner(ScannerInfo scanner) {
    this.scanner = scanner;
  }

  public OsInfo getOs() {
    return os;
  }

  public void setOs(OsInfo os) {
    this.os = os;
  }

  public ImageConfigFacts getConfig() {
    return config;
  }

  public void setConfig(ImageConfigFacts config) {
    this.config = config;
  }

  public FindingSummary getSummary() {
    return summary;
  }

  public void setSummary(FindingSummary summary) {
    this.summary = summary;
  }

  public List<Finding> getFindings() {
    return findings;
  }

  public void setFindings(List<Finding> findings) {
    this.findings = findings == null ? new ArrayList<>() : findings;
  }

  public OffsetDateTime getScannedAt() {
    return scannedAt;
  }

  public void setScannedAt(OffsetDateTime scannedAt) {
    this.scannedAt = scannedAt;
  }

  public String getStoreKey() {
    return storeKey;
  }

  public void setStoreKey(String storeKey) {
    this.storeKey = storeKey;
  }
}
