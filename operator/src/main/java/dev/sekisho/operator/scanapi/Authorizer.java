package dev.sekisho.operator.scanapi;

import dev.sekisho.api.v1alpha1.Constants;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;

/**
 * Authenticates a bearer token with TokenReview and authorises the caller with SubjectAccessReview
 * for verb {@code create} on {@code scanresults/submit} in group {@code sekisho.dev}, in the
 * namespace of the request. The subresource exists only for authorisation: granting it lets a
 * ServiceAccount submit scans, and gives it no write access to ScanResults themselves.
 */
public final class Authorizer {
  public static final String RESOURCE = "scanresults";
  public static final String SUBRESOURCE = "submit";
  public static final String VERB = "create";

  private final KubernetesClient client;
  private final List<String> audiences;

  public Authorizer(KubernetesClient client, List<String> audiences) {
    this.client = client;
    this.audiences = List.copyOf(audiences);
  }

  /** The caller the token belongs to; 401 when there is no valid token. */
  public Caller authenticate(String authorization) throws ApiException {
    // HTTP servers trim header values, so "Bearer " with an empty token arrives as "Bearer"
    String value = authorization == null ? "" : authorization.trim();
    boolean bearer =
        value.regionMatches(true, 0, "Bearer", 0, 6)
            && (value.length() == 6 || Character.isWhitespace(value.charAt(6)));
    if (!bearer) {
      throw new ApiException(401, "missing 'Authorization: Bearer <ServiceAccount token>' header");
    }
    String token = value.substring(6).trim();
    if (token.isEmpty()) {
      throw new ApiException(401, "empty bearer token");
    }
    var spec = new TokenReviewBuilder().withNewSpec().withToken(token);
    if (!audiences.isEmpty()) {
      spec.withAudiences(audiences);
    }
    TokenReview review = client.resource(spec.endSpec().build()).create();
    var status = review.getStatus();
    if (status == null
        || !Boolean.TRUE.equals(status.getAuthenticated())
        || status.getUser() == null) {
      String why = status == null || status.getError() == null ? "" : ": " + status.getError();
      throw new ApiException(401, "the bearer token is not valid" + why);
    }
    var user = status.getUser();
    return new Caller(
        user.getUsername(),
        user.getUid(),
        user.getGroups() == null ? List.of() : user.getGroups(),
        user.getExtra() == null ? Map.of() : user.getExtra());
  }

  /**
   * Passes when the caller may submit scans in {@code namespace}; 403 naming the rule otherwise.
   */
  public void authorize(Caller caller, String namespace) throws ApiException {
    SubjectAccessReview review =
        client
            .resource(
                new SubjectAccessReviewBuilder()
                    .withNewSpec()
                    .withUser(caller.username())
                    .withUid(caller.uid())
                    .withGroups(caller.groups())
                    .withExtra(caller.extra())
                    .withNewResourceAttributes()
                    .withNamespace(namespace)
                    .withVerb(VERB)
                    .withGroup(Constants.GROUP)
                    .withResource(RESOURCE)
                    .withSubresource(SUBRESOURCE)
                    .endResourceAttributes()
                    .endSpec()
                    .build())
            .create();
    if (review.getStatus() == null || !Boolean.TRUE.equals(review.getStatus().getAllowed())) {
      throw new ApiException(
          403,
          caller.username()
              + " may not submit scans in namespace "
              + namespace
              + ": it needs a RoleBinding in "
              + namespace
              + " to a Role with the rule {apiGroups: [\""
              + Constants.GROUP
              + "\"], resources: [\""
              + RESOURCE
              + "/"
              + SUBRESOURCE
              + "\"], verbs: [\""
              + VERB
              + "\"]}");
    }
  }
}
