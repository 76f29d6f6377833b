package dev.sekisho.operator.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tiny stand-in for Jira's REST API v2 on 127.0.0.1, checking the request shapes Jira documents:
 * {@code GET /rest/api/2/search?jql=} (only the JQL Sekisho sends: {@code project = "K" AND labels
 * = "L" [AND statusCategory != Done]}), {@code POST /rest/api/2/issue} (fields project.key,
 * issuetype.name, summary and labels required, else 400 with Jira's error shape), {@code POST
 * .../comment} (body) and {@code GET/POST .../transitions} (one transition, "Done", id 31). It does
 * not do workflows, permissions, other JQL or the v3 document format. Every request must carry the
 * expected Authorization header (else 401).
 */
final class FakeJira implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern JQL =
      Pattern.compile(
          "^project = \"([A-Z][A-Z0-9_]*)\" AND labels = \"([^\"]+)\"( AND statusCategory !="
              + " Done)? ORDER BY created ASC$");

  /** An issue as Jira keeps it. */
  static final class Issue {
    final String key;
    final String project;
    final String summary;
    final String description;
    final List<String> labels;
    final List<String> comments = new CopyOnWriteArrayList<>();
    volatile boolean done;

    Issue(String key, String project, String summary, String description, List<String> labels) {
      this.key = key;
      this.project = project;
      this.summary = summary;
      this.description = description;
      this.labels = labels;
    }
  }

  private final HttpServer server;
  private final String authorization;
  final Map<String, Issue> issues = new ConcurrentHashMap<>();
  final List<String> jql = new CopyOnWriteArrayList<>();
  final AtomicInteger creates = new AtomicInteger();
  private final AtomicInteger next = new AtomicInteger(1);

  FakeJira(String authorization) throws IOException {
    this.authorization = authorization;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  List<Issue> withLabel(String label) {
    return issues.values().stream().filter(i -> i.labels.contains(label)).toList();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      if (!authorization.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
        answer(ex, 401, error("not authenticated"));
        return;
      }
      String path = ex.getRequestURI().getPath();
      String method = ex.getRequestMethod();
      byte[] in = ex.getRequestBody().readAllBytes();
      if (method.equals("GET") && path.equals("/rest/api/2/search")) {
        search(ex);
      } else if (method.equals("POST") && path.equals("/rest/api/2/issue")) {
        if (json(ex)) {
          create(ex, JSON.readTree(in));
        }
      } else if (path.startsWith("/rest/api/2/issue/")) {
        String[] parts = path.substring("/rest/api/2/issue/".length()).split("/");
        Issue issue = issues.get(parts[0]);
        if (issue == null || parts.length != 2) {
          answer(ex, 404, error("Issue does not exist"));
        } else if (method.equals("POST") && parts[1].equals("comment")) {
          if (!json(ex)) {
            return;
          }
          JsonNode body = JSON.readTree(in);
          if (!body.path("body").isTextual() || body.path("body").asText().isBlank()) {
            answer(ex, 400, error("Comment body can not be empty!"));
            return;
          }
          issue.comments.add(body.path("body").asText());
          answer(ex, 201, JSON.createObjectNode().put("id", "10" + issue.comments.size()));
        } else if (method.equals("GET") && parts[1].equals("transitions")) {
          ObjectNode out = JSON.createObjectNode();
          out.putArray("transitions").addObject().put("id", "31").put("name", "Done");
          answer(ex, 200, out);
        } else if (method.equals("POST") && parts[1].equals("transitions")) {
          if (!json(ex)) {
            return;
          }
          if (!"31".equals(JSON.readTree(in).path("transition").path("id").asText())) {
            answer(ex, 400, error("Transition id is not valid"));
            return;
          }
          issue.done = true;
          answer(ex, 204, null);
        } else {
          answer(ex, 405, error("method not allowed"));
        }
      } else {
        answer(ex, 404, error("no such resource"));
      }
    }
  }

  /** Answers 415 (as Jira does) and returns false when the body is not declared JSON. */
  private static boolean json(HttpExchange ex) throws IOException {
    String type = ex.getRequestHeaders().getFirst("Content-Type");
    if (type == null || !type.startsWith("application/json")) {
      answer(ex, 415, error("Content-Type " + type + " is not application/json"));
      return false;
    }
    return true;
  }

  private void search(HttpExchange ex) throws IOException {
    String query = ex.getRequestURI().getRawQuery();
    String q = null;
    for (String p : query.split("&")) {
      if (p.startsWith("jql=")) {
        q = URLDecoder.decode(p.substring(4), StandardCharsets.UTF_8);
      }
    }
    jql.add(q);
    Matcher m = q == null ? null : JQL.matcher(q);
    if (m == null || !m.matches()) {
      answer(ex, 400, error("Error in the JQL Query: " + q));
      return;
    }
    boolean openOnly = m.group(3) != null;
    ObjectNode out = JSON.createObjectNode();
    ArrayNode found = out.putArray("issues");
    List<Issue> matches = new ArrayList<>();
    for (Issue i : issues.values()) {
      if (i.project.equals(m.group(1)) && i.labels.contains(m.group(2)) && !(openOnly && i.done)) {
        matches.add(i);
      }
    }
    for (Issue i : matches) {
      ObjectNode issue = found.addObject().put("key", i.key);
      issue
          .putObject("fields")
          .putObject("status")
          .putObject("statusCategory")
          .put("key", i.done ? "done" : "new");
    }
    out.put("total", matches.size());
    answer(ex, 200, out);
  }

  private void create(HttpExchange ex, JsonNode body) throws IOException {
    JsonNode f = body.path("fields");
    ObjectNode errors = JSON.createObjectNode();
    if (!f.path("project").path("key").isTextual()) {
      errors.put("project", "project is required");
    }
    if (!f.path("issuetype").path("name").isTextual()) {
      errors.put("issuetype", "issue type is required");
    }
    if (!f.path("summary").isTextual() || f.path("summary").asText().length() > 255) {
      errors.put("summary", "You must specify a summary of the issue (at most 255 characters).");
    }
    List<String> labels = new ArrayList<>();
    f.path("labels").forEach(l -> labels.add(l.asText()));
    if (labels.stream().anyMatch(l -> l.contains(" "))) {
      errors.put("labels", "labels cannot contain spaces");
    }
    if (!errors.isEmpty()) {
      ObjectNode out = JSON.createObjectNode();
      out.putArray("errorMessages");
      out.set("errors", errors);
      answer(ex, 400, out);
      return;
    }
    String project = f.path("project").path("key").asText();
    String key = project + "-" + next.getAndIncrement();
    issues.put(
        key,
        new Issue(
            key, project, f.path("summary").asText(), f.path("description").asText(), labels));
    creates.incrementAndGet();
    answer(ex, 201, JSON.createObjectNode().put("id", "1000" + key).put("key", key));
  }

  private static ObjectNode error(String message) {
    ObjectNode out = JSON.createObjectNode();
    out.putArray("errorMessages").add(message);
    out.putObject("errors");
    return out;
  }

  private static void answer(HttpExchange ex, int status, JsonNode body) throws IOException {
    if (body == null) {
      ex.sendResponseHeaders(status, -1);
      return;
    }
    byte[] out = JSON.writeValueAsBytes(body);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, out.length);
    ex.getResponseBody().write(out);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
