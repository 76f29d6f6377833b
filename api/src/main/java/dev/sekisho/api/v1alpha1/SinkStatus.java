package dev.sekisho.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;

/** Delivery state of one sink of a ScanNotifier. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SinkStatus {
  @JsonPropertyDescription("Name of the sink.")
  private String name;

  @JsonPropertyDescription("When a notification was last delivered.")
  private String lastDelivered;

  @JsonPropertyDescription(
      "The last delivery error (absent after a success), e.g. the HTTP status and the receiver's"
          + " answer.")
  private String lastError;

  @JsonPropertyDescription("When the last delivery error happened.")
  private String lastErrorTime;

  @JsonPropertyDescription("Notifications waiting to be delivered or retried.")
  @Min(0)
  private Integer pending;

  public String getName() {
    return name;
  }

  public void setName(String name) {
    this.name = name;
  }

  public String getLastDelivered() {
    return lastDelivered;
  }

  public void setLastDelivered(String lastDelivered) {
    this.lastDelivered = lastDelivered;
  }

  public String getLastError() {
    return lastError;
  }

  public void setLastError(String lastError) {
    this.lastError = lastError;
  }

  public String getLastErrorTime() {
    return lastErrorTime;
  }

  public void setLastErrorTime(String lastErrorTime) {
    this.lastErrorTime = lastErrorTime;
  }

  public Integer getPending() {
    return pending;
  }

  public void setPending(Integer pending) {
    this.pending = pending;
  }
}
