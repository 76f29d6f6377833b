package dev.sekisho.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** Which scans a policy applies to. An empty selector selects every scan. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class ImageSelector {
  @JsonPropertyDescription(
      "Image reference globs (e.g. 'registry.example.com/team/*', '**'); '*' matches within one"
          + " path segment, '**' across segments. Empty: every image.")
  private List<String> images = new ArrayList<>();

  @JsonPropertyDescription(
      "Tekton Pipeline name globs. Empty: every pipeline, and scans made outside a pipeline.")
  private List<String> pipelines = new ArrayList<>();

  public List<String> getImages() {
    return images;
  }

  public void setImages(List<String> images) {
    this.images = images == null ? new ArrayList<>() : images;
  }

  public List<String> getPipelines() {
    return pipelines;
  }

  public void setPipelines(List<String> pipelines) {
    this.pipelines = pipelines == null ? new ArrayList<>() : pipelines;
  }
}
