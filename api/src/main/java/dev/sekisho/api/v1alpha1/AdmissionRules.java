package dev.sekisho.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/**
 * What the operator's validating admission webhook asks of a Pod (or a workload's pod template)
 * beyond "no image whose digest fails an Enforce policy": a scan for every image, and how image
 * references by tag are treated. Only Enforce policies deny; a Warn policy's rules become admission
 * warnings.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class AdmissionRules {
  /** How the webhook treats an image referenced by tag rather than by digest. */
  public enum TagPolicy {
    /**
     * Resolve the tag to a digest from the ScanResults the operator already holds (the newest scan
     * of that reference); no registry is asked.
     */
    Resolve,
    /** Deny an image referenced by tag: only {@code image@sha256:…} references are admitted. */
    Deny
  }

  @JsonPropertyDescription(
      "Deny a Pod (or workload) whose image has no ScanResult at all (an image referenced by a tag"
          + " no ScanResult records counts as unscanned). Default false: only images whose scan"
          + " fails are denied.")
  @Default("false")
  private Boolean requireScan;

  @JsonPropertyDescription(
      "Images referenced by tag: Resolve (default) finds the digest among the ScanResults that"
          + " record the same reference (the newest scan), without asking the registry; Deny"
          + " refuses them, so every image must be pinned by digest.")
  @Default("Resolve")
  private TagPolicy tags;

  public Boolean getRequireScan() {
    return requireScan;
  }

  public void setRequireScan(Boolean requireScan) {
    this.requireScan = requireScan;
  }

  /** Whether an image without a ScanResult is denied. */
  public boolean requiresScan() {
    return Boolean.TRUE.equals(requireScan);
  }

  public TagPolicy getTags() {
    return tags;
  }

  public void setTags(TagPolicy tags) {
    this.tags = tags;
  }

  /** The tag policy, {@link TagPolicy#Resolve} when unset. */
  public TagPolicy tagPolicy() {
    return tags == null ? TagPolicy.Resolve : tags;
  }
}
