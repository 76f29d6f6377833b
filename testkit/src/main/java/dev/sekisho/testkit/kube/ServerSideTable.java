package dev.sekisho.testkit.kube;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code kubectl get} prints, as the API server renders it (a {@code meta.k8s.io/v1 Table}):
 * the columns of the default view, the extra ones of {@code -o wide}, and per row the cells of the
 * default view as text.
 *
 * @param columns names of the priority-0 columns, in order (e.g. Name, Image, …)
 * @param wideColumns names of the columns only {@code -o wide} shows
 * @param rows per object, the cells of {@code columns}; an absent value is an empty string
 */
public record ServerSideTable(
    List<String> columns, List<String> wideColumns, List<List<String>> rows) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * GETs {@code path} (a list or object URL, e.g. {@code /apis/sekisho.dev/v1alpha1/namespaces/x
   * /scanresults}) as a table.
   *
   * @throws IllegalStateException when the API server does not answer with a Table
   */
  public static ServerSideTable get(KubeApiServer kube, String path) {
    HttpResponse<String> response = kube.get(path, KubeApiServer.TABLE_ACCEPT);
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          "GET " + path + " as Table: HTTP " + response.statusCode() + ": " + response.body());
    }
    return parse(response.body());
  }

  /** Parses a {@code meta.k8s.io/v1 Table} in JSON. */
  public static ServerSideTable parse(String json) {
    JsonNode table;
    try {
      table = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("not JSON: " + e.getOriginalMessage(), e);
    }
    if (!"Table".equals(table.path("kind").asText())) {
      throw new IllegalStateException("not a Table but " + table.path("kind").asText("nothing"));
    }
    List<String> columns = new ArrayList<>();
    List<String> wide = new ArrayList<>();
    List<Integer> shown = new ArrayList<>();
    JsonNode definitions = table.path("columnDefinitions");
    for (int i = 0; i < definitions.size(); i++) {
      JsonNode d = definitions.get(i);
      if (d.path("priority").asInt() == 0) {
        columns.add(d.path("name").asText());
        shown.add(i);
      } else {
        wide.add(d.path("name").asText());
      }
    }
    List<List<String>> rows = new ArrayList<>();
    for (JsonNode row : table.path("rows")) {
      List<String> cells = new ArrayList<>();
      for (int i : shown) {
        JsonNode cell = row.path("cells").get(i);
        cells.add(cell == null || cell.isNull() ? "" : cell.asText());
      }
      rows.add(List.copyOf(cells));
    }
    return new ServerSideTable(List.copyOf(columns), List.copyOf(wide), List.copyOf(rows));
  }

  /** The cells of row {@code i}. */
  public List<String> row(int i) {
    if (i >= rows.size()) {
      throw new IndexOutOfBoundsException("the table has " + rows.size() + " rows, not " + (i + 1));
    }
    return rows.get(i);
  }
}
