package dev.sekisho.scanner.policy;

import dev.sekisho.api.v1alpha1.ConfigRules;
import dev.sekisho.api.v1alpha1.ImageSelector;
import dev.sekisho.api.v1alpha1.PackageRule;
import dev.sekisho.api.v1alpha1.PolicyException;
import dev.sekisho.api.v1alpha1.ScanPolicySpec;
import dev.sekisho.api.v1alpha1.SecretAllowance;
import dev.sekisho.api.v1alpha1.SecretRules;
import dev.sekisho.api.v1alpha1.Severity;
import dev.sekisho.api.v1alpha1.VulnerabilityRules;
import dev.sekisho.scanner.check.Glob;
import dev.sekisho.scanner.check.PackageDenyRules;
import dev.sekisho.scanner.secret.SecretFingerprint;
import dev.sekisho.scanner.version.VersionRange;
import dev.sekisho.scanner.version.VersionScheme;
import dev.sekisho.scanner.version.VersionSchemes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Finds what the CRD schema cannot catch (or what a policy file skipped, since files are not
 * checked by the API server): bad globs, bad version constraints, exceptions without expiry or
 * reason, out-of-range numbers. The operator reports the problems as Ready=False; the CLI's {@code
 * sekisho policy check} prints them; the engine treats a policy with problems as invalid.
 */
public final class PolicyValidator {
  private static final Pattern EXCEPTION_ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._:/-]*$");

  private PolicyValidator() {}

  /**
   * Problems of {@code spec}, each naming the field ("exceptions[0].expires: …"); empty if none.
   */
  public static List<String> validate(ScanPolicySpec spec) {
    List<String> problems = new ArrayList<>();
    if (spec == null) {
      problems.add("spec: missing");
      return problems;
    }
    ImageSelector selector = spec.getSelector();
    if (selector != null) {
      globs(problems, "selector.images", selector.getImages());
      globs(problems, "selector.pipelines", selector.getPipelines());
    }
    vulnerabilities(problems, spec.getVulnerabilities());
    List<PolicyException> exceptions = spec.getExceptions();
    for (int i = 0; i < exceptions.size(); i++) {
      exception(problems, "exceptions[" + i + "]", exceptions.get(i));
    }
    List<PackageRule> deny = spec.getDenyPackages();
    for (int i = 0; i < deny.size(); i++) {
      String field = "denyPackages[" + i + "]";
      if (deny.get(i) == null) {
        problems.add(field + ": empty entry");
        continue;
      }
      List<String> ruleProblems = PackageDenyRules.problems(deny.get(i));
      for (String p : ruleProblems) {
        problems.add(field + ": " + p);
      }
      if (ruleProblems.isEmpty()) {
        versionsInScheme(problems, field, deny.get(i));
      }
    }
    globs(problems, "allowedBaseImages", spec.getAllowedBaseImages());
    globs(problems, "allowedRegistries", spec.getAllowedRegistries());
    List<String> registries = spec.getAllowedRegistries();
    for (int i = 0; i < registries.size(); i++) {
      String r = registries.get(i);
      if (r != null && r.contains("/")) {
        problems.add(
            "allowedRegistries["
                + i
                + "]: '"
                + r
                + "' is not a registry host[:port] glob (use allowedBaseImages or"
                + " selector.images for repository paths)");
      }
    }
    config(problems, spec.getConfig());
    secrets(problems, spec.getSecrets());
    return problems;
  }

  private static void secrets(List<String> problems, SecretRules rules) {
    if (rules == null) {
      return;
    }
    List<SecretAllowance> allow = rules.getAllow();
    for (int i = 0; i < allow.size(); i++) {
      String field = "secrets.allow[" + i + "]";
      SecretAllowance a = allow.get(i);
      if (a == null) {
        problems.add(field + ": empty entry");
        continue;
      }
      if ((a.getPath() == null) == (a.getFingerprint() == null)) {
        problems.add(field + ": give either path or fingerprint (exactly one)");
      }
      if (a.getPath() != null) {
        Glob.problem(a.getPath()).ifPresent(p -> problems.add(field + ".path: " + p));
      }
      if (a.getFingerprint() != null
          && !SecretFingerprint.FORMAT.matcher(a.getFingerprint()).matches()) {
        problems.add(
            field
                + ".fingerprint: '"
                + a.getFingerprint()
                + "' is not a fingerprint (32 lower-case hex digits, as the reports show them)");
      }
      if (a.getExpires() == null) {
        problems.add(field + ".expires: missing (every allowance needs an expiry)");
      }
      if (a.getReason() == null || a.getReason().isBlank()) {
        problems.add(field + ".reason: missing (every allowance needs a reason)");
      }
    }
  }

  /**
   * The constraint's versions must parse in the scheme of the rule's ecosystem, when it has one.
   */
  private static void versionsInScheme(List<String> problems, String field, PackageRule rule) {
    if (rule.getVersions() == null || rule.getVersions().isBlank() || rule.getEcosystem() == null) {
      return;
    }
    Optional<VersionScheme> scheme = VersionSchemes.forEcosystem(rule.getEcosystem().strip());
    if (scheme.isEmpty()) {
      return;
    }
    for (String v : VersionRange.parse(rule.getVersions()).versions()) {
      if (!scheme.get().isValid(v)) {
        problems.add(
            field
                + ".versions: '"
                + v
                + "' is not a "
                + scheme.get().name()
                + " version ("
                + rule.getEcosystem()
                + ")");
      }
    }
  }

  private static void vulnerabilities(List<String> problems, VulnerabilityRules v) {
    if (v == null) {
      return;
    }
    if (v.getFailOn() == Severity.Unknown) {
      problems.add(
          "vulnerabilities.failOn: Unknown is not a threshold (use Critical, High, Medium or Low)");
    }
    if (v.getGracePeriodDays() != null
        && (v.getGracePeriodDays() < 0 || v.getGracePeriodDays() > 3650)) {
      problems.add(
          "vulnerabilities.gracePeriodDays: "
              + v.getGracePeriodDays()
              + " is outside 0 to 3650 days");
    }
    Double floor = v.getCvssFloor();
    if (floor != null && (floor.isNaN() || floor < 0 || floor > 10)) {
      problems.add("vulnerabilities.cvssFloor: " + floor + " is outside 0.0 to 10.0");
    }
    Double epss = v.getFailOnEpss();
    if (epss != null && (epss.isNaN() || epss < 0 || epss > 1)) {
      problems.add("vulnerabilities.failOnEpss: " + epss + " is outside 0.0 to 1.0");
    }
  }

  private static void exception(List<String> problems, String field, PolicyException e) {
    if (e == null) {
      problems.add(field + ": empty entry");
      return;
    }
    if (e.getId() == null || e.getId().isBlank()) {
      problems.add(field + ".id: missing");
    } else if (!EXCEPTION_ID.matcher(e.getId()).matches() || e.getId().length() > 128) {
      problems.add(
          field
              + ".id: '"
              + e.getId()
              + "' is not an id (letters, digits and . _ : / -, at most 128 characters)");
    }
    if (e.getExpires() == null) {
      problems.add(field + ".expires: missing (every exception needs an expiry)");
    }
    if (e.getReason() == null || e.getReason().isBlank()) {
      problems.add(field + ".reason: missing (every exception needs a reason)");
    }
    globs(problems, field + ".packages", e.getPackages());
    globs(problems, field + ".images", e.getImages());
  }

  private static void config(List<String> problems, ConfigRules c) {
    if (c == null || c.getForbiddenPorts() == null) {
      return;
    }
    List<Integer> ports = c.getForbiddenPorts();
    for (int i = 0; i < ports.size(); i++) {
      Integer p = ports.get(i);
      if (p == null || p < 1 || p > 65535) {
        problems.add("config.forbiddenPorts[" + i + "]: " + p + " is not a port (1 to 65535)");
      }
    }
  }

  private static void globs(List<String> problems, String field, List<String> globs) {
    for (int i = 0; i < globs.size(); i++) {
      int index = i;
      Glob.problem(globs.get(i)).ifPresent(p -> problems.add(field + "[" + index + "]: " + p));
    }
  }
}
