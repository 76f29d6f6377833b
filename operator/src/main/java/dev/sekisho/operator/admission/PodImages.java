package dev.sekisho.operator.admission;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sekisho.operator.admission.AdmissionDecider.Image;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The images of the object under review: a Pod's containers, init containers and ephemeral
 * containers, or those of a workload controller's pod template (Deployment, StatefulSet, DaemonSet,
 * ReplicaSet, ReplicationController, Job; a CronJob's job template). On UPDATE only the images the
 * old object did not have count: an edit that changes no image (a label, a replica count) is never
 * refused because an image already running has turned bad since, while {@code kubectl set image} to
 * a failing image is.
 */
public final class PodImages {
  /** Where the pod spec lies in each kind the webhook reviews. */
  static final Map<String, List<String>> POD_SPEC =
      Map.of(
          "Pod", List.of("spec"),
          "Deployment", List.of("spec", "template", "spec"),
          "StatefulSet", List.of("spec", "template", "spec"),
          "DaemonSet", List.of("spec", "template", "spec"),
          "ReplicaSet", List.of("spec", "template", "spec"),
          "ReplicationController", List.of("spec", "template", "spec"),
          "Job", List.of("spec", "template", "spec"),
          "CronJob", List.of("spec", "jobTemplate", "spec", "template", "spec"));

  private static final List<String> CONTAINER_LISTS =
      List.of("initContainers", "containers", "ephemeralContainers");

  private PodImages() {}

  /** Whether the webhook knows where {@code kind} keeps its pod spec. */
  public static boolean reviewed(String kind) {
    return POD_SPEC.containsKey(kind);
  }

  /**
   * The images of {@code object} (of {@code kind}) that {@code oldObject} (null on CREATE) did not
   * have.
   */
  public static List<Image> newImages(String kind, JsonNode object, JsonNode oldObject) {
    List<Image> now = images(kind, object);
    if (oldObject == null || oldObject.isNull() || oldObject.isMissingNode()) {
      return now;
    }
    Set<String> before = new HashSet<>();
    images(kind, oldObject).forEach(i -> before.add(i.image()));
    return now.stream().filter(i -> !before.contains(i.image())).toList();
  }

  /** Every image of {@code object}, with where it is. */
  public static List<Image> images(String kind, JsonNode object) {
    List<String> path = POD_SPEC.get(kind);
    if (path == null || object == null) {
      return List.of();
    }
    JsonNode spec = object;
    for (String p : path) {
      spec = spec.path(p);
    }
    String prefix = String.join(".", path) + ".";
    List<Image> out = new ArrayList<>();
    for (String list : CONTAINER_LISTS) {
      for (JsonNode c : spec.path(list)) {
        JsonNode image = c.get("image");
        if (image != null && image.isTextual() && !image.asText().isBlank()) {
          out.add(new Image(prefix + list + "[" + c.path("name").asText("") + "]", image.asText()));
        }
      }
    }
    return out;
  }
}
