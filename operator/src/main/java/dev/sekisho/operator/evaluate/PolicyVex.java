package dev.sekisho.operator.evaluate;

import dev.sekisho.api.v1alpha1.ConfigMapKeyReference;
import dev.sekisho.api.v1alpha1.VexSource;
import dev.sekisho.scanner.input.DocumentException;
import dev.sekisho.scanner.input.DocumentLimits;
import dev.sekisho.scanner.policy.NamedPolicy;
import dev.sekisho.scanner.vex.VexDocument;
import dev.sekisho.scanner.vex.VexReader;
import dev.sekisho.scanner.vex.VexStatements;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Reads the VEX documents policies reference ({@code spec.vex[].configMapRef}) and gives each
 * policy its statements. A ScanPolicy's ConfigMap is in the policy's namespace, a
 * ClusterScanPolicy's in the operator's namespace. Each is read with one GET (the operator may get
 * ConfigMaps, never list or watch them), when the result is evaluated: a changed document applies
 * from the next evaluation of a result (a new scan, a policy change, a database update).
 */
public final class PolicyVex implements ResultEvaluator.VexSources {
  private final KubernetesClient client;
  private final String operatorNamespace;

  public PolicyVex(KubernetesClient client, String operatorNamespace) {
    this.client = client;
    this.operatorNamespace = operatorNamespace;
  }

  @Override
  public VexStatements load(NamedPolicy policy) throws IOException {
    if (policy.spec() == null || policy.spec().getVex().isEmpty()) {
      return VexStatements.none();
    }
    String namespace = policy.namespace() == null ? operatorNamespace : policy.namespace();
    List<VexDocument> documents = new ArrayList<>();
    List<VexSource> sources = policy.spec().getVex();
    for (int i = 0; i < sources.size(); i++) {
      ConfigMapKeyReference ref = sources.get(i).getConfigMapRef();
      String where = policy.displayName() + " vex[" + i + "]";
      if (ref == null || ref.getName() == null || ref.getKey() == null) {
        throw new DocumentException(where + ": configMapRef needs a name and a key");
      }
      String source = "ConfigMap " + namespace + "/" + ref.getName() + " key " + ref.getKey();
      ConfigMap map;
      try {
        map = client.configMaps().inNamespace(namespace).withName(ref.getName()).get();
      } catch (KubernetesClientException e) {
        throw new IOException(where + ": cannot read " + source + ": " + e.getMessage(), e);
      }
      documents.add(VexReader.parse(bytes(map, ref.getKey(), where, source), source));
    }
    return VexStatements.of(documents);
  }

  private static byte[] bytes(ConfigMap map, String key, String where, String source)
      throws DocumentException {
    if (map == null) {
      throw new DocumentException(where + ": " + source + ": the ConfigMap does not exist");
    }
    byte[] bytes = null;
    if (map.getData() != null && map.getData().get(key) != null) {
      bytes = map.getData().get(key).getBytes(StandardCharsets.UTF_8);
    } else if (map.getBinaryData() != null && map.getBinaryData().get(key) != null) {
      try {
        bytes = Base64.getDecoder().decode(map.getBinaryData().get(key));
      } catch (IllegalArgumentException e) {
        throw new DocumentException(where + ": " + source + ": binaryData is not base64");
      }
    }
    if (bytes == null) {
      throw new DocumentException(where + ": " + source + ": the ConfigMap has no such key");
    }
    if (bytes.length > DocumentLimits.VEX.maxBytes()) {
      throw new DocumentException(
          where
              + ": "
              + source
              + " is larger than the VEX document limit of "
              + DocumentLimits.size(DocumentLimits.VEX.maxBytes()));
    }
    return bytes;
  }
}
