package dev.sekisho.operator.admission;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the {@code caBundle} of the operator's own ValidatingWebhookConfiguration equal to the CA
 * that signs the webhook's certificate, the way kube-webhook-certgen's patch job or
 * open-policy-agent/cert-controller do, but continuously: at start, whenever the CA bundle changes
 * (a CA renewal publishes the next CA before it signs), and on a resync. The operator needs only
 * {@code get} and {@code update} on that one object (RBAC {@code resourceNames}); a configuration
 * that does not exist (the webhook is not installed) is left alone. Every replica writes the same
 * bundle (they share the CA Secret); an update uses the resourceVersion, so a lost race just waits
 * for the next turn.
 */
public final class WebhookCaBundle {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookCaBundle.class);

  private WebhookCaBundle() {}

  /**
   * Sets {@code pem} as the caBundle of every webhook of the configuration {@code name}.
   *
   * @return whether it wrote anything
   */
  public static boolean keep(KubernetesClient client, String name, String pem) {
    var resource =
        client.admissionRegistration().v1().validatingWebhookConfigurations().withName(name);
    ValidatingWebhookConfiguration config = resource.get();
    if (config == null) {
      LOG.debug("no ValidatingWebhookConfiguration {}: caBundle not kept", name);
      return false;
    }
    String bundle = Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
    boolean changed = false;
    for (ValidatingWebhook w : config.getWebhooks()) {
      if (w.getClientConfig() != null
          && !Objects.equals(bundle, w.getClientConfig().getCaBundle())) {
        w.getClientConfig().setCaBundle(bundle);
        changed = true;
      }
    }
    if (!changed) {
      return false;
    }
    try {
      client.resource(config).update();
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        return false; // another replica wrote it meanwhile; the next turn checks again
      }
      throw e;
    }
    LOG.info("admission webhook caBundle updated validatingwebhookconfiguration={}", name);
    return true;
  }
}
