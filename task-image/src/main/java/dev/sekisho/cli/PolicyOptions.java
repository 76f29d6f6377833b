package dev.sekisho.cli;

import dev.sekisho.api.v1alpha1.PolicyAction;
import dev.sekisho.api.v1alpha1.ScanPolicySpec;
import dev.sekisho.api.v1alpha1.SecretAllowance;
import dev.sekisho.api.v1alpha1.SecretRules;
import dev.sekisho.api.v1alpha1.Severity;
import dev.sekisho.api.v1alpha1.VulnerabilityRules;
import dev.sekisho.scanner.input.DocumentException;
import dev.sekisho.scanner.policy.NamedPolicy;
import dev.sekisho.scanner.policy.PolicyFileException;
import dev.sekisho.scanner.policy.PolicyFiles;
import dev.sekisho.scanner.policy.PolicyValidator;
import dev.sekisho.scanner.policy.SecretsIgnoreFile;
import dev.sekisho.scanner.vex.VexDocument;
import dev.sekisho.scanner.vex.VexReader;
import dev.sekisho.scanner.vex.VexStatements;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The policies a scan is judged by: policy files and the --fail-on shortcut, with the secret
 * allowances of --secrets-ignore added to each.
 */
final class PolicyOptions {
  @Option(
      names = "--policy",
      paramLabel = "FILE",
      split = ",",
      description =
          "Policy file (ScanPolicy/ClusterScanPolicy YAML, several documents allowed); repeatable."
              + " Every policy applies, the strictest verdict wins.")
  List<Path> policyFiles = new ArrayList<>();

  @Option(
      names = "--fail-on",
      paramLabel = "SEVERITY",
      description =
          "Shortcut for an Enforce policy failing on vulnerabilities of this severity or worse"
              + " (critical, high, medium, low). Without --policy or --fail-on, scan exits 0"
              + " whatever it finds.")
  String failOn;

  @Option(
      names = "--secrets-ignore",
      paramLabel = "FILE",
      description =
          "Secret findings to allow under every policy of this scan: one per line, a fingerprint"
              + " (as the reports show it) or path:GLOB, optionally followed by expires=DATE and"
              + " reason=TEXT; # starts a comment. Allowed findings are still reported, marked"
              + " allowed.")
  Path secretsIgnore;

  @Option(
      names = "--vex",
      paramLabel = "FILE",
      description =
          "VEX document (OpenVEX, CycloneDX VEX or CSAF VEX JSON); repeatable. Findings a"
              + " not_affected or fixed statement is about violate no policy and are listed as"
              + " suppressed, with the justification.")
  List<Path> vexFiles = new ArrayList<>();

  /**
   * Loads and validates the policies.
   *
   * @throws UserInputException naming the file and the problem when a file is missing, unreadable
   *     or invalid, or --fail-on is not a severity
   */
  List<NamedPolicy> load() {
    List<NamedPolicy> policies = new ArrayList<>();
    for (Path file : policyFiles) {
      policies.addAll(loadFile(file));
    }
    if (failOn != null && !failOn.isBlank()) {
      policies.add(failOnPolicy(failOn));
    }
    if (secretsIgnore != null) {
      List<SecretAllowance> allow = loadSecretsIgnore(secretsIgnore);
      for (NamedPolicy p : policies) {
        if (p.spec().getSecrets() == null) {
          p.spec().setSecrets(new SecretRules());
        }
        p.spec().getSecrets().getAllow().addAll(allow);
      }
    }
    return policies;
  }

  static List<SecretAllowance> loadSecretsIgnore(Path file) {
    if (Files.isDirectory(file)) {
      throw new UserInputException("secrets ignore file " + file + " is a directory");
    }
    try {
      return SecretsIgnoreFile.load(file);
    } catch (PolicyFileException e) {
      throw new UserInputException(e.getMessage(), e);
    }
  }

  /** Loads one file and validates every policy in it. */
  static List<NamedPolicy> loadFile(Path file) {
    // not only regular files: --policy /dev/stdin is read within the same size limit
    if (!Files.exists(file)) {
      throw new UserInputException("policy file " + file + " does not exist");
    }
    if (Files.isDirectory(file)) {
      throw new UserInputException("policy file " + file + " is a directory");
    }
    List<NamedPolicy> loaded;
    try {
      loaded = PolicyFiles.load(file);
    } catch (PolicyFileException e) {
      throw new UserInputException(e.getMessage(), e);
    }
    List<String> problems = new ArrayList<>();
    for (NamedPolicy p : loaded) {
      for (String problem : PolicyValidator.validate(p.spec())) {
        problems.add(p.displayName() + ": " + problem);
      }
    }
    if (!problems.isEmpty()) {
      throw new UserInputException(
          "invalid policy file " + file + ": " + String.join("; ", problems));
    }
    return loaded;
  }

  /**
   * Reads the --vex documents.
   *
   * @throws UserInputException naming the file and the problem when one is missing, over the VEX
   *     document limits or not a VEX document of a supported format
   */
  VexStatements loadVex() {
    List<VexDocument> documents = new ArrayList<>();
    for (Path file : vexFiles) {
      if (Files.isDirectory(file)) {
        throw new UserInputException("VEX document " + file + " is a directory");
      }
      try {
        documents.add(VexReader.read(file));
      } catch (DocumentException e) {
        throw new UserInputException(e.getMessage(), e);
      }
    }
    return VexStatements.of(documents);
  }

  static NamedPolicy failOnPolicy(String severity) {
    Severity s = severity(severity);
    ScanPolicySpec spec = new ScanPolicySpec();
    spec.setAction(PolicyAction.Enforce);
    VulnerabilityRules rules = new VulnerabilityRules();
    rules.setFailOn(s);
    spec.setVulnerabilities(rules);
    return new NamedPolicy(
        NamedPolicy.FILE, null, "fail-on-" + s.name().toLowerCase(Locale.ROOT), spec);
  }

  static Severity severity(String text) {
    for (Severity s : Severity.values()) {
      if (s != Severity.Unknown && s.name().equalsIgnoreCase(text.strip())) {
        return s;
      }
    }
    throw new UserInputException(
        "invalid severity '" + text + "' (valid: critical, high, medium, low)");
  }
}
