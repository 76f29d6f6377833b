package dev.sekisho.operator.notify;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sekisho.api.v1alpha1.Severity;
import dev.sekisho.api.v1alpha1.Verdict;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Jira sink against a stand-in of Jira's REST API v2 on 127.0.0.1 ({@link FakeJira} checks the
 * request shapes): one issue per image digest and advisory, found again by its label with JQL so a
 * repeated delivery (a retry, or the same change after an operator restart) opens no duplicate;
 * commented and transitioned when fixed.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JiraIssuesTest {
  private static final Instant NOW = Instant.parse("2026-12-08T01:00:00Z");
  private static final String BASIC =
      "Basic "
          + Base64.getEncoder()
              .encodeToString("bot@example.com:api-token".getBytes(StandardCharsets.UTF_8));

  private static JiraIssues sink(FakeJira jira, String doneTransition) {
    return new JiraIssues(JsonHttp.standard(), jira.url(), "SEC", null, doneTransition, BASIC);
  }

  @Test
  void oneIssuePerImageAndAdvisoryAcrossRepeatedDeliveries() throws Exception {
    try (FakeJira jira = new FakeJira(BASIC)) {
      var result =
          Results.inUse(
              "shop",
              "app",
              Verdict.Fail,
              Results.finding("CVE-2026-0001", Severity.Critical),
              Results.finding("CVE-2026-0002", Severity.High),
              Results.finding("CVE-2026-0003", Severity.Low));
      Notification n = Notification.of(result, null, Severity.High, NOW);

      sink(jira, null).deliver(n);
      sink(jira, null).deliver(n); // a retry, or the same change after a restart
      // another namespace running the same digest: the same advisories, the same issues
      var other =
          Results.inUse(
              "web",
              "app",
              Verdict.Fail,
              result.getSpec().getFindings().toArray(dev.sekisho.api.v1alpha1.Finding[]::new));
      sink(jira, null).deliver(Notification.of(other, null, Severity.High, NOW));

      assertThat(jira.creates.get()).isEqualTo(2);
      String label = JiraIssues.label(Results.DIGEST, "CVE-2026-0001");
      assertThat(label).matches("sekisho-[0-9a-f]{20}");
      List<FakeJira.Issue> issues = jira.withLabel(label);
      assertThat(issues).hasSize(1);
      FakeJira.Issue issue = issues.get(0);
      assertThat(issue.project).isEqualTo("SEC");
      assertThat(issue.labels).containsExactly("sekisho", label);
      assertThat(issue.summary)
          .isEqualTo("CVE-2026-0001 (Critical) in registry.example/shop/app:1.0@" + Results.DIGEST);
      assertThat(issue.description)
          .contains("openssl 3.0.1")
          .contains("3.0.2")
          .contains("Deployment/shop");
      assertThat(jira.jql)
          .contains("project = \"SEC\" AND labels = \"" + label + "\" ORDER BY created ASC");
      assertThat(jira.withLabel(JiraIssues.label(Results.DIGEST, "CVE-2026-0003"))).isEmpty();
    }
  }

  @Test
  void fixedAdvisoryIsCommentedAndTransitioned() throws Exception {
    try (FakeJira jira = new FakeJira(BASIC)) {
      var before =
          Results.inUse(
              "shop",
              "app",
              Verdict.Fail,
              Results.finding("CVE-2026-0001", Severity.Critical),
              Results.finding("CVE-2026-0002", Severity.High));
      Notification first = Notification.of(before, null, Severity.High, NOW);
      sink(jira, "Done").deliver(first);
      var after =
          Results.inUse(
              "shop", "app", Verdict.Fail, Results.finding("CVE-2026-0002", Severity.High));
      Notification fixed = Notification.of(after, first.state(), Severity.High, NOW);
      assertThat(fixed.fixed()).containsExactly("CVE-2026-0001");
      assertThat(sink(jira, "Done").wants(fixed)).isTrue();

      sink(jira, "Done").deliver(fixed);
      sink(jira, "Done").deliver(fixed); // again: the issue is done, nothing more happens

      FakeJira.Issue issue =
          jira.withLabel(JiraIssues.label(Results.DIGEST, "CVE-2026-0001")).get(0);
      assertThat(issue.done).isTrue();
      assertThat(issue.comments).hasSize(1);
      assertThat(issue.comments.get(0)).contains("CVE-2026-0001 no longer applies");
      FakeJira.Issue open =
          jira.withLabel(JiraIssues.label(Results.DIGEST, "CVE-2026-0002")).get(0);
      assertThat(open.done).isFalse();
      assertThat(jira.creates.get()).isEqualTo(2);
    }
  }

  @Test
  void bearerTokenIsSentAsIs() throws Exception {
    try (FakeJira jira = new FakeJira("Bearer pat-123")) {
      var result =
          Results.inUse("shop", "app", Verdict.Fail, Results.finding("CVE-1", Severity.High));
      new JiraIssues(JsonHttp.standard(), jira.url(), "SEC", "Task", null, "Bearer pat-123")
          .deliver(Notification.of(result, null, Severity.High, NOW));
      assertThat(jira.creates.get()).isEqualTo(1);
    }
  }
}
