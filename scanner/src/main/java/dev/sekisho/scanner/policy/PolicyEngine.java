package dev.sekisho.scanner.policy;

import dev.sekisho.api.v1alpha1.ConfigRules;
import dev.sekisho.api.v1alpha1.PolicyAction;
import dev.sekisho.api.v1alpha1.PolicyException;
import dev.sekisho.api.v1alpha1.ScanPolicySpec;
import dev.sekisho.api.v1alpha1.SecretAllowance;
import dev.sekisho.api.v1alpha1.SecretRules;
import dev.sekisho.api.v1alpha1.Verdict;
import dev.sekisho.api.v1alpha1.VulnerabilityRules;
import dev.sekisho.scanner.check.Glob;
import dev.sekisho.scanner.check.ImageChecks;
import dev.sekisho.scanner.check.PackageDenyRules;
import dev.sekisho.scanner.image.oci.ImageReference;
import dev.sekisho.scanner.model.ImageFacts;
import dev.sekisho.scanner.model.Misconfiguration;
import dev.sekisho.scanner.model.Package;
import dev.sekisho.scanner.model.Reachability;
import dev.sekisho.scanner.model.ScanReport;
import dev.sekisho.scanner.model.SecretFinding;
import dev.sekisho.scanner.model.Vulnerability;
import dev.sekisho.scanner.version.VersionOrdering;
import dev.sekisho.scanner.vex.VexStatement;
import dev.sekisho.scanner.vex.VexStatements;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The policy engine: one pure function from a scan report, the policies that apply to it and the
 * current instant to a verdict. No I/O, no clock, no state: the CLI, the Task step and the operator
 * (re-evaluating stored results when a policy changes, an exception expires or the database is
 * updated) get the same answer for the same input.
 *
 * <p>Semantics (see docs/policies.md): every policy applies; a policy's verdict is Fail (Enforce)
 * or Warn (Warn) when it has a violation, else Pass; the overall verdict is the strictest; an
 * invalid policy yields Error when it enforces, Warn when it only warns; an unusable report yields
 * Error.
 */
public final class PolicyEngine {

  /**
   * The exception id under which {@code vulnerabilities.ignoreUnreachable} excuses unreachable Go
   * findings, so that every report marks them as it marks excepted ones.
   */
  public static final String IGNORE_UNREACHABLE = "vulnerabilities.ignoreUnreachable";

  private PolicyEngine() {}

  /** Evaluates with the scanner's standard version ordering. */
  public static Evaluation evaluate(ScanReport report, List<NamedPolicy> policies, Instant now) {
    return evaluate(report, policies, now, VersionOrdering.standard());
  }

  /** Evaluates, comparing versions in deny rules with {@code versions}. */
  public static Evaluation evaluate(
      ScanReport report, List<NamedPolicy> policies, Instant now, VersionOrdering versions) {
    return evaluate(report, policies, now, versions, VexStatements.none());
  }

  /**
   * Evaluates with the statements of VEX documents given to the scan itself ({@code vex}, the CLI's
   * --vex): a vulnerability finding a not_affected or fixed statement is about violates no policy
   * and is listed once among the exceptions (policy "VEX"), also when no policy is given. A
   * policy's own VEX documents ({@link NamedPolicy#vex}) suppress findings under that policy only,
   * listed under its name.
   */
  public static Evaluation evaluate(
      ScanReport report,
      List<NamedPolicy> policies,
      Instant now,
      VersionOrdering versions,
      VexStatements vex) {
    Objects.requireNonNull(now, "now");
    Optional<String> unusable = unusable(report);
    // without policies (only --vex) there is nothing to judge: VEX needs no image facts
    if (unusable.isPresent() && (report == null || (policies != null && !policies.isEmpty()))) {
      return new Evaluation(
          Verdict.Error,
          null,
          List.of(),
          List.of(new PolicyViolation(null, null, "report", null, null, unusable.get())),
          List.of(),
          null);
    }
    List<PolicyResult> results = new ArrayList<>();
    List<PolicyViolation> violations = new ArrayList<>();
    List<ExceptionUse> exceptions = new ArrayList<>();
    VexUses global = new VexUses("VEX", vex == null ? VexStatements.none() : vex, report);
    for (Vulnerability v : report.vulnerabilities()) {
      global.suppresses(v);
    }
    exceptions.addAll(global.uses());
    Instant next = null;
    Verdict verdict = Verdict.Pass;
    String deciding = null;
    for (NamedPolicy policy : policies == null ? List.<NamedPolicy>of() : policies) {
      OnePolicy one = new OnePolicy(policy, report, now, versions, global);
      one.run();
      results.add(new PolicyResult(policy, one.verdict, one.violations.size(), one.excepted));
      violations.addAll(one.violations);
      exceptions.addAll(one.exceptionUses());
      for (Instant t : one.pending) {
        next = next == null || t.isBefore(next) ? t : next;
      }
      if (one.verdict.ordinal() > verdict.ordinal()) {
        verdict = one.verdict;
        deciding = policy.displayName();
      }
    }
    return new Evaluation(verdict, deciding, results, violations, exceptions, next);
  }

  private static Optional<String> unusable(ScanReport report) {
    if (report == null) {
      return Optional.of("no scan report to evaluate");
    }
    if (report.image() == null) {
      return Optional.of("the scan report has no image facts");
    }
    return Optional.empty();
  }

  /** The evaluation of one policy; mutable while it runs, never shared. */
  private static final class OnePolicy {
    private final NamedPolicy policy;
    private final ScanPolicySpec spec;
    private final ScanReport report;
    private final Instant now;
    private final VersionOrdering versions;
    private final PolicyAction action;
    private final ImageReference image;
    private final List<ActiveException> exceptions = new ArrayList<>();
    private final List<PolicyViolation> violations = new ArrayList<>();
    private final List<Instant> pending = new ArrayList<>();
    private final Set<String> unreachable = new LinkedHashSet<>();
    private final VexUses globalVex;
    private final VexUses ownVex;
    private int excepted;
    private Verdict verdict = Verdict.Pass;

    OnePolicy(
        NamedPolicy policy,
        ScanReport report,
        Instant now,
        VersionOrdering versions,
        VexUses globalVex) {
      this.policy = policy;
      this.globalVex = globalVex;
      this.ownVex = new VexUses(policy.displayName(), policy.vex(), report);
      this.spec = policy.spec();
      this.report = report;
      this.now = now;
      this.versions = versions;
      this.action =
          spec == null || spec.getAction() == null ? PolicyAction.Enforce : spec.getAction();
      this.image = PolicySelector.imageName(report.image());
    }

    void run() {
      List<String> problems = PolicyValidator.validate(spec);
      if (!problems.isEmpty()) {
        violations.add(
            new PolicyViolation(
                policy.displayName(),
                action,
                "policy",
                null,
                null,
                "invalid policy: " + String.join("; ", problems)));
        verdict = action == PolicyAction.Enforce ? Verdict.Error : Verdict.Warn;
        return;
      }
      for (int i = 0; i < spec.getExceptions().size(); i++) {
        exceptions.add(new ActiveException(spec.getExceptions().get(i), now));
      }
      if (spec.getSecrets() != null) {
        for (SecretAllowance a : spec.getSecrets().getAllow()) {
          exceptions.add(new ActiveException(a, now));
        }
      }
      vulnerabilities();
      config();
      registriesAndBase();
      packages();
      secrets();
      for (ActiveException e : exceptions) {
        if (!e.expired && !e.covered.isEmpty()) {
          pending.add(e.expires);
        }
      }
      if (!violations.isEmpty()) {
        verdict = action == PolicyAction.Enforce ? Verdict.Fail : Verdict.Warn;
      }
    }

    List<ExceptionUse> exceptionUses() {
      List<ExceptionUse> uses = new ArrayList<>(ownVex.uses());
      if (!unreachable.isEmpty()) {
        uses.add(
            new ExceptionUse(
                policy.displayName(),
                IGNORE_UNREACHABLE,
                false,
                null,
                "code_not_present: the binary does not contain the advisory's vulnerable symbols",
                List.copyOf(unreachable)));
      }
      for (ActiveException e : exceptions) {
        if (e.expired || !e.covered.isEmpty()) {
          uses.add(
              new ExceptionUse(
                  policy.displayName(),
                  e.id,
                  e.expired,
                  e.expires,
                  e.reason,
                  List.copyOf(e.covered),
                  null,
                  List.copyOf(e.coveredPackages)));
        }
      }
      return uses;
    }

    private void vulnerabilities() {
      VulnerabilityRules rules = spec.getVulnerabilities();
      // An absent section is an empty one: failOnKnownExploited defaults to true.
      boolean kev = rules == null || !Boolean.FALSE.equals(rules.getFailOnKnownExploited());
      boolean thresholds =
          rules != null && (rules.getFailOn() != null || rules.getCvssFloor() != null);
      Double epssFloor = rules == null ? null : rules.getFailOnEpss();
      for (Vulnerability v : report.vulnerabilities()) {
        // a VEX statement says the product is not affected (or fixed): no rule applies, KEV's none
        if (globalVex.suppresses(v) || ownVex.suppresses(v)) {
          excepted++;
          continue;
        }
        if (kev && v.knownExploited()) {
          vulnerabilityViolation(
              v,
              "vulnerabilities.failOnKnownExploited",
              v.id(),
              v.aliases(),
              v.pkg(),
              describe(v) + " is known to be exploited");
          continue;
        }
        if (epssFloor != null && v.epss() != null && v.epss().score() >= epssFloor) {
          vulnerabilityViolation(
              v,
              "vulnerabilities.failOnEpss",
              v.id(),
              v.aliases(),
              v.pkg(),
              describe(v)
                  + " has EPSS "
                  + v.epss().score()
                  + " (percentile "
                  + v.epss().percentile()
                  + "; policy: EPSS "
                  + epssFloor
                  + " or higher)");
          continue;
        }
        if (!thresholds) {
          continue;
        }
        if (rules.getFailOn() != null && !v.severity().atLeast(rules.getFailOn())) {
          continue;
        }
        Double floor = rules.getCvssFloor();
        if (floor != null && (v.cvssScore() == null || v.cvssScore() < floor)) {
          continue;
        }
        if (Boolean.TRUE.equals(rules.getFixableOnly()) && !v.fixable()) {
          continue;
        }
        Integer grace = rules.getGracePeriodDays();
        if (grace != null && grace > 0 && v.published() != null) {
          Instant graceEnds = v.published().plus(Duration.ofDays(grace));
          if (now.isBefore(graceEnds)) {
            pending.add(graceEnds);
            continue;
          }
        }
        String rule =
            rules.getFailOn() != null ? "vulnerabilities.failOn" : "vulnerabilities.cvssFloor";
        String threshold =
            rules.getFailOn() != null
                ? "severity " + rules.getFailOn() + " or higher"
                : "CVSS " + floor + " or higher";
        vulnerabilityViolation(
            v, rule, v.id(), v.aliases(), v.pkg(), describe(v) + " (policy: " + threshold + ")");
      }
    }

    /**
     * A vulnerability's violation, unless {@code vulnerabilities.ignoreUnreachable} excuses it: the
     * finding is then recorded as excused by that rule, as an exception would be.
     */
    private void vulnerabilityViolation(
        Vulnerability v,
        String rule,
        String findingId,
        List<String> aliases,
        Package pkg,
        String message) {
      VulnerabilityRules rules = spec.getVulnerabilities();
      if (rules != null
          && Boolean.TRUE.equals(rules.getIgnoreUnreachable())
          && v.reachability() == Reachability.UNREACHABLE) {
        unreachable.add(findingId);
        excepted++;
        return;
      }
      violation(rule, findingId, aliases, pkg, message);
    }

    private static String describe(Vulnerability v) {
      StringBuilder s =
          new StringBuilder(v.id())
              .append(" (")
              .append(v.severity())
              .append(v.cvssScore() == null ? "" : ", CVSS " + v.cvssScore())
              .append(") in ")
              .append(v.pkg().name())
              .append(' ')
              .append(v.pkg().version());
      s.append(
          v.fixable()
              ? ", fixed in " + String.join(", ", v.fixedVersions())
              : ", no fix available");
      return s.toString();
    }

    private void config() {
      ConfigRules rules = spec.getConfig();
      if (rules == null) {
        return;
      }
      ImageFacts facts = report.image();
      if (Boolean.TRUE.equals(rules.getRequireNonRoot())) {
        ImageChecks.rootUser(facts).ifPresent(m -> violation("config.requireNonRoot", m, null));
      }
      if (Boolean.TRUE.equals(rules.getForbidLatestTag())) {
        ImageChecks.latestTag(facts).ifPresent(m -> violation("config.forbidLatestTag", m, null));
      }
      List<Integer> ports =
          rules.getForbiddenPorts() == null
              ? ImageChecks.DEFAULT_FORBIDDEN_PORTS
              : rules.getForbiddenPorts();
      for (Misconfiguration m : ImageChecks.forbiddenPorts(facts, ports)) {
        violation("config.forbiddenPorts", m, null);
      }
      if (Boolean.TRUE.equals(rules.getRequireHealthcheck())) {
        ImageChecks.noHealthcheck(facts)
            .ifPresent(m -> violation("config.requireHealthcheck", m, null));
      }
      if (Boolean.TRUE.equals(rules.getForbidSecretEnv())) {
        for (Misconfiguration m : ImageChecks.secretEnv(facts)) {
          violation("config.forbidSecretEnv", m, null);
        }
      }
    }

    private void registriesAndBase() {
      ImageChecks.registry(report.image(), compile(spec.getAllowedRegistries()))
          .ifPresent(m -> violation("allowedRegistries", m, null));
      ImageChecks.baseImage(report.baseImage(), compile(spec.getAllowedBaseImages()))
          .ifPresent(m -> violation("allowedBaseImages", m, null));
    }

    private void packages() {
      for (PackageDenyRules.Match match :
          PackageDenyRules.find(report.packages(), report.os(), spec.getDenyPackages(), versions)) {
        violation(
            "denyPackages[" + match.ruleIndex() + "]", match.toMisconfiguration(), match.pkg());
      }
    }

    private void secrets() {
      SecretRules rules = spec.getSecrets();
      if (rules == null || !Boolean.TRUE.equals(rules.getForbid())) {
        return;
      }
      for (SecretFinding s : report.secrets()) {
        violation(
            "secrets.forbid",
            s.ruleId(),
            List.of(),
            null,
            s,
            s.title()
                + " in "
                + s.location()
                + " line "
                + s.line()
                + ": "
                + s.redacted()
                + (s.fingerprint() == null ? "" : " (fingerprint " + s.fingerprint() + ")"));
      }
    }

    private void violation(String rule, Misconfiguration m, Package pkg) {
      violation(rule, m.checkId(), List.of(), pkg, null, m.title() + ": " + m.detail());
    }

    private void violation(
        String rule, String findingId, List<String> aliases, Package pkg, String message) {
      violation(rule, findingId, aliases, pkg, null, message);
    }

    /**
     * A finding that breaks {@code rule}, unless an unexpired exception (or, for a secret, an
     * allowance) covers it.
     */
    private void violation(
        String rule,
        String findingId,
        List<String> aliases,
        Package pkg,
        SecretFinding secret,
        String message) {
      ActiveException expiredMatch = null;
      for (ActiveException e : exceptions) {
        if (!e.covers(findingId, aliases, pkg, image, secret)) {
          continue;
        }
        if (!e.expired) {
          e.covered.add(e.coveredKey(findingId, secret));
          if (pkg != null && pkg.purl() != null) {
            e.coveredPackages.add(pkg.purl());
          }
          excepted++;
          return;
        }
        if (expiredMatch == null) {
          expiredMatch = e;
        }
      }
      if (expiredMatch != null) {
        expiredMatch.covered.add(expiredMatch.coveredKey(findingId, secret));
        message +=
            (expiredMatch.allowance == null ? " (exception " : " (allowance ")
                + expiredMatch.id
                + (expiredMatch.expires == null
                    ? " has no expiry and does not apply)"
                    : " expired at " + expiredMatch.expires + ")");
      }
      violations.add(
          new PolicyViolation(
              policy.displayName(),
              action,
              rule,
              findingId,
              pkg == null ? null : pkg.name(),
              message));
    }

    private static List<Glob> compile(List<String> globs) {
      return globs.stream().map(Glob::compile).toList();
    }
  }

  /**
   * The VEX statements of one source (the scan's own documents, or one policy's) and the findings
   * they suppressed, grouped by statement in the order first used.
   */
  private static final class VexUses {
    private final String policy;
    private final VexStatements statements;
    private final ImageFacts image;
    private final Map<VexStatement, Set<String>> findings = new LinkedHashMap<>();
    private final Map<VexStatement, Set<String>> packages = new LinkedHashMap<>();

    VexUses(String policy, VexStatements statements, ScanReport report) {
      this.policy = policy;
      this.statements = statements;
      this.image = report.image();
    }

    /** True when a statement suppresses {@code v}; the use is recorded. */
    boolean suppresses(Vulnerability v) {
      Optional<VexStatement> s = statements.suppressing(v, image);
      if (s.isEmpty()) {
        return false;
      }
      findings.computeIfAbsent(s.get(), k -> new LinkedHashSet<>()).add(v.id());
      if (v.pkg().purl() != null) {
        packages.computeIfAbsent(s.get(), k -> new LinkedHashSet<>()).add(v.pkg().purl());
      }
      return true;
    }

    List<ExceptionUse> uses() {
      List<ExceptionUse> uses = new ArrayList<>();
      findings.forEach(
          (s, ids) ->
              uses.add(
                  new ExceptionUse(
                      policy,
                      s.vulnerability(),
                      false,
                      null,
                      s.reason(),
                      List.copyOf(ids),
                      s,
                      List.copyOf(packages.getOrDefault(s, Set.of())))));
      return uses;
    }
  }

  /**
   * An exception, or a secret allowance ({@code secrets.allow}), with its globs compiled and its
   * expiry decided for {@code now}. Both excuse findings until they expire and are then reported as
   * expired; they differ only in what they cover.
   */
  private static final class ActiveException {
    /** The exception's id, or the allowance's {@code path:GLOB} or {@code fingerprint:HEX}. */
    final String id;

    final String reason;
    final Instant expires;
    final boolean expired;
    final List<Glob> packages;
    final List<Glob> images;
    // an allowance: its path glob (null when it names a fingerprint)
    final SecretAllowance allowance;
    final Glob path;
    final Set<String> covered = new LinkedHashSet<>();
    final Set<String> coveredPackages = new LinkedHashSet<>();

    ActiveException(PolicyException source, Instant now) {
      this.id = source.getId();
      this.reason = source.getReason();
      this.expires = source.getExpires() == null ? null : source.getExpires().toInstant();
      // An exception applies strictly before its expiry: at the instant itself it has expired.
      this.expired = expires == null || !now.isBefore(expires);
      this.packages = source.getPackages().stream().map(Glob::compile).toList();
      this.images = source.getImages().stream().map(Glob::compile).toList();
      this.allowance = null;
      this.path = null;
    }

    ActiveException(SecretAllowance source, Instant now) {
      this.id =
          source.getPath() != null
              ? "path:" + source.getPath()
              : "fingerprint:" + source.getFingerprint();
      this.reason = source.getReason();
      this.expires = source.getExpires() == null ? null : source.getExpires().toInstant();
      this.expired = expires == null || !now.isBefore(expires);
      this.packages = List.of();
      this.images = List.of();
      this.allowance = source;
      this.path = source.getPath() == null ? null : Glob.compile(source.getPath());
    }

    /**
     * What the reports look a covered finding up by: a secret's fingerprint when an allowance
     * covers it, else the finding id.
     */
    String coveredKey(String findingId, SecretFinding secret) {
      return allowance != null && secret.fingerprint() != null ? secret.fingerprint() : findingId;
    }

    boolean covers(
        String findingId,
        List<String> aliases,
        Package pkg,
        ImageReference image,
        SecretFinding secret) {
      if (allowance != null) {
        if (secret == null) {
          return false;
        }
        return path != null
            ? path.matches(secret.relativePath())
            : allowance.getFingerprint().equals(secret.fingerprint());
      }
      String id = this.id;
      if (!id.equals(findingId) && !aliases.contains(id)) {
        return false;
      }
      if (!packages.isEmpty()) {
        if (pkg == null) {
          return false;
        }
        boolean any = false;
        for (Glob g : packages) {
          if (g.matches(pkg.name()) || g.matches(pkg.sourceName())) {
            any = true;
            break;
          }
        }
        if (!any) {
          return false;
        }
      }
      return images.isEmpty() || Glob.anyMatches(images, image.forms());
    }
  }
}
