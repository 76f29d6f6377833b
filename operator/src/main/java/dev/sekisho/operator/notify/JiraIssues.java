package dev.sekisho.operator.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sekisho.api.v1alpha1.Finding;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Jira issues through the REST API v2, one per image digest and advisory. Each issue carries the
 * label {@code sekisho-<20 hex digits of SHA-256(digest|advisory)>} and is looked up by it with JQL
 * ({@code GET /rest/api/2/search}) before one is created ({@code POST /rest/api/2/issue}): Jira
 * itself is the record of what exists, so refreshes, retries and operator restarts never open a
 * second issue. When the advisory no longer applies to the image, its open issue gets a comment
 * and, when a transition is configured, is moved through it (e.g. to Done).
 */
public final class JiraIssues implements Sink {
  /** Label on every issue Sekisho opens. */
  public static final String LABEL = "sekisho";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final JsonHttp http;
  private final URI base;
  private final String project;
  private final String issueType;
  private final String doneTransition;
  private final String authorization;

  /**
   * @param base the site, e.g. https://example.atlassian.net (a path prefix is kept)
   * @param authorization the Authorization header value (Basic or Bearer)
   * @param doneTransition name of the transition for fixed advisories, or null
   */
  public JiraIssues(
      JsonHttp http,
      URI base,
      String project,
      String issueType,
      String doneTransition,
      String authorization) {
    this.http = http;
    String b = base.toString();
    this.base = URI.create(b.endsWith("/") ? b.substring(0, b.length() - 1) : b);
    this.project = project;
    this.issueType = issueType == null || issueType.isBlank() ? "Bug" : issueType;
    this.doneTransition = doneTransition;
    this.authorization = authorization;
  }

  @Override
  public String type() {
    return "jira";
  }

  @Override
  public boolean wants(Notification n) {
    return !n.gained().isEmpty() || !n.fixed().isEmpty();
  }

  /** The label that finds the issue of {@code advisory} in the image {@code digest}. */
  public static String label(String digest, String advisory) {
    return LABEL + "-" + NotifiedState.sha256(digest + "|" + advisory).substring(0, 20);
  }

  @Override
  public void deliver(Notification n) throws DeliveryException {
    String key = n.digest() == null ? n.image() : n.digest();
    for (Finding f : n.gained()) {
      List<Issue> existing = search(label(key, f.getId()), false);
      if (existing.isEmpty()) {
        create(n, f, label(key, f.getId()));
      } else if (existing.stream().allMatch(Issue::done)) {
        comment(
            existing.get(0).key(),
            f.getId()
                + " applies again to "
                + n.imageRef()
                + " (namespace "
                + n.namespace()
                + ").");
      }
    }
    for (String advisory : n.fixed()) {
      for (Issue open : search(label(key, advisory), true)) {
        comment(
            open.key(),
            advisory
                + " no longer applies to "
                + n.imageRef()
                + " after a re-evaluation (namespace "
                + n.namespace()
                + ", verdict "
                + n.verdict()
                + ").");
        if (doneTransition != null && !doneTransition.isBlank()) {
          transition(open.key());
        }
      }
    }
  }

  record Issue(String key, boolean done) {}

  private List<Issue> search(String label, boolean openOnly) throws DeliveryException {
    String jql =
        "project = \""
            + project
            + "\" AND labels = \""
            + label
            + "\""
            + (openOnly ? " AND statusCategory != Done" : "")
            + " ORDER BY created ASC";
    String body =
        http.send(
            request(
                    "/rest/api/2/search?jql="
                        + URLEncoder.encode(jql, StandardCharsets.UTF_8)
                        + "&fields=status&maxResults=50")
                .GET(),
            "GET /rest/api/2/search");
    List<Issue> out = new ArrayList<>();
    for (JsonNode issue : parse(body, "search").path("issues")) {
      String category =
          issue.path("fields").path("status").path("statusCategory").path("key").asText("");
      out.add(new Issue(issue.path("key").asText(), "done".equals(category)));
    }
    return out;
  }

  private void create(Notification n, Finding f, String label) throws DeliveryException {
    ObjectNode body = JSON.createObjectNode();
    ObjectNode fields = body.putObject("fields");
    fields.putObject("project").put("key", project);
    fields.putObject("issuetype").put("name", issueType);
    String summary = f.getId() + " (" + f.getSeverity() + ") in " + n.imageRef();
    fields.put("summary", summary.length() > 250 ? summary.substring(0, 249) + "…" : summary);
    fields.put("description", description(n, f));
    fields.putArray("labels").add(LABEL).add(label);
    http.send(
        request("/rest/api/2/issue")
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString())),
        "POST /rest/api/2/issue");
  }

  private static String description(Notification n, Finding f) {
    StringBuilder d = new StringBuilder();
    d.append("Sekisho found *").append(f.getId()).append("* (").append(f.getSeverity());
    if (f.getCvss() != null) {
      d.append(", CVSS ").append(f.getCvss());
    }
    d.append(") in an image running in the cluster.\n\n");
    d.append("* Image: {{").append(n.imageRef()).append("}}\n");
    d.append("* Namespace: ").append(n.namespace()).append(", ScanResult ").append(n.name());
    d.append("\n* Verdict: ").append(n.verdict()).append('\n');
    if (f.getPackageName() != null) {
      d.append("* Package: ").append(f.getPackageName());
      if (f.getInstalledVersion() != null) {
        d.append(' ').append(f.getInstalledVersion());
      }
      d.append("\n* Fixed in: ")
          .append(f.getFixedVersion() == null ? "no fix yet" : f.getFixedVersion())
          .append('\n');
    }
    n.workloads().stream()
        .limit(20)
        .forEach(
            w ->
                d.append("* Runs in: ")
                    .append(w.getKind())
                    .append('/')
                    .append(w.getName())
                    .append(" (")
                    .append(w.getPods())
                    .append(" pod(s))\n"));
    return d.toString();
  }

  private void comment(String issue, String text) throws DeliveryException {
    http.send(
        request("/rest/api/2/issue/" + issue + "/comment")
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    JSON.createObjectNode().put("body", text).toString())),
        "POST /rest/api/2/issue/" + issue + "/comment");
  }

  private void transition(String issue) throws DeliveryException {
    String path = "/rest/api/2/issue/" + issue + "/transitions";
    String id = null;
    for (JsonNode t :
        parse(http.send(request(path).GET(), "GET " + path), path).path("transitions")) {
      if (doneTransition.equalsIgnoreCase(t.path("name").asText())) {
        id = t.path("id").asText();
      }
    }
    if (id == null) {
      throw new DeliveryException(
          issue
              + " has no transition named '"
              + doneTransition
              + "' (spec.sinks[].jira.doneTransition)",
          true);
    }
    ObjectNode body = JSON.createObjectNode();
    body.putObject("transition").put("id", id);
    http.send(
        request(path)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body.toString())),
        "POST " + path);
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base + path))
        .header("Accept", "application/json")
        .header("Authorization", authorization);
  }

  private static JsonNode parse(String body, String what) throws DeliveryException {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      throw new DeliveryException(
          "Jira " + what + " answered with invalid JSON: " + e.getMessage(), e);
    }
  }
}
