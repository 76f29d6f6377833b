package dev.sekisho.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.ArrayList;
import java.util.List;

/**
 * What a policy requires of an image. Shared by ScanPolicy, ClusterScanPolicy and the CLI's policy
 * files (which are ScanPolicy YAML documents).
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@ValidationRule(
    value = "!has(self.exceptions) || self.exceptions.all(e, has(e.expires) && has(e.reason))",
    message = "every exception needs an expiry (expires) and a reason")
@ValidationRule(
    value = "!has(self.denyPackages) || self.denyPackages.all(p, has(p.name) || has(p.purl))",
    message = "every denyPackages entry needs a name or a purl")
public class ScanPolicySpec {
  @JsonPropertyDescription(
      "Enforce: a violation fails the image and stops the PipelineRun. Warn: violations are"
          + " reported only. Default Enforce.")
  @Default("Enforce")
  private PolicyAction action = PolicyAction.Enforce;

  @JsonPropertyDescription("Which scans the policy applies to. Unset: every scan in scope.")
  private ImageSelector selector;

  @JsonPropertyDescription("Rules over known vulnerabilities.")
  private VulnerabilityRules vulnerabilities;

  @JsonPropertyDescription("Accepted risks, each with a mandatory expiry and reason.")
  private List<PolicyException> exceptions = new ArrayList<>();

  @JsonPropertyDescription("Packages that must not be in the image.")
  private List<PackageRule> denyPackages = new ArrayList<>();

  @JsonPropertyDescription(
      "Base image reference globs the image must be built on (identified from OCI base-image"
          + " annotations, else from shared leading layers). Empty: any base image.")
  private List<String> allowedBaseImages = new ArrayList<>();

  @JsonPropertyDescription(
      "Registry host globs images may come from (e.g. 'registry.example.com',"
          + " 'image-registry.openshift-image-registry.svc:5000'). Empty: any registry.")
  private List<String> allowedRegistries = new ArrayList<>();

  @JsonPropertyDescription("Rules over the image configuration.")
  private ConfigRules config;

  @JsonPropertyDescription("Rules over secrets embedded in the image's files.")
  private SecretRules secrets;

  @JsonPropertyDescription(
      "VEX documents whose not_affected and fixed statements suppress the vulnerability findings"
          + " they are about, under this policy (see docs/policies.md, VEX).")
  @Size(max = 32)
  private List<VexSource> vex = new ArrayList<>();

  @JsonPropertyDescription(
      "What the operator's admission webhook (when installed) asks of Pods and workloads in scope"
          + " besides denying images whose digest fails this policy: a scan for every image, and"
          + " how images referenced by tag are treated.")
  private AdmissionRules admission;

  public PolicyAction getAction() {
    return action;
  }

  public void setAction(PolicyAction action) {
    this.action = action == null ? PolicyAction.Enforce : action;
  }

  public ImageSelector getSelector() {
    return selector;
  }

  public void setSelector(ImageSelector selector) {
    this.selector = selector;
  }

  public VulnerabilityRules getVulnerabilities() {
    return vulnerabilities;
  }

  public void setVulnerabilities(VulnerabilityRules vulnerabilities) {
    this.vulnerabilities = vulnerabilities;
  }

  public List<PolicyException> getExceptions() {
    return exceptions;
  }

  public void setExceptions(List<PolicyException> exceptions) {
    this.exceptions = exceptions == null ? new ArrayList<>() : exceptions;
  }

  public List<PackageRule> getDenyPackages() {
    return denyPackages;
  }

  public void setDenyPackages(List<PackageRule> denyPackages) {
    this.denyPackages = denyPackages == null ? new ArrayList<>() : denyPackages;
  }

  public List<String> getAllowedBaseImages() {
    return allowedBaseImages;
  }

  public void setAllowedBaseImages(List<String> allowedBaseImages) {
    this.allowedBaseImages = allowedBaseImages == null ? new ArrayList<>() : allowedBaseImages;
  }

  public List<String> getAllowedRegistries() {
    return allowedRegistries;
  }

  public void setAllowedRegistries(List<String> allowedRegistries) {
    this.allowedRegistries = allowedRegistries == null ? new ArrayList<>() : allowedRegistries;
  }

  public ConfigRules getConfig() {
    return config;
  }

  public void setConfig(ConfigRules config) {
    this.config = config;
  }

  public SecretRules getSecrets() {
    return secrets;
  }

  public void setSecrets(SecretRules secrets) {
    this.secrets = secrets;
  }

  public List<VexSource> getVex() {
    return vex;
  }

  public void setVex(List<VexSource> vex) {
    this.vex = vex == null ? new ArrayList<>() : vex;
  }

  public AdmissionRules getAdmission() {
    return admission;
  }

  public void setAdmission(AdmissionRules admission) {
    this.admission = admission;
  }
}
