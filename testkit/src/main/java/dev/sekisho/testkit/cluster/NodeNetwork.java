package dev.sekisho.testkit.cluster;

/**
 * The addresses of the test cluster, all inside 10.213.0.0/16 (a private range rarely used; the
 * cluster refuses to start when this machine already has an address or route in it). Nothing
 * outside this machine is ever addressed.
 *
 * @param range the whole private range the cluster uses (guarded by iptables rules)
 * @param hostInterface a bridge without ports holding {@code hostAddress} (this kernel has no dummy
 *     interfaces)
 * @param hostAddress where the API server, the kubelet, the cluster's registry and CoreDNS listen:
 *     the node's InternalIP, reachable from the host (local) and from pods (through the bridge)
 * @param bridge the Linux bridge the pods' veths attach to (bridge CNI)
 * @param gateway the bridge's address, the pods' default gateway
 * @param podCidr the pods' addresses (host-local IPAM)
 * @param serviceCidr the Services' virtual IPs (kube-proxy, iptables mode)
 * @param kubernetesServiceIp the {@code kubernetes} Service's ClusterIP (first of {@code
 *     serviceCidr})
 * @param clusterDomain the DNS domain of Services ({@code NAME.NAMESPACE.svc.cluster.local})
 */
public record NodeNetwork(
    String range,
    String hostInterface,
    String hostAddress,
    String bridge,
    String gateway,
    String podCidr,
    String serviceCidr,
    String kubernetesServiceIp,
    String clusterDomain) {

  /** The one network the harness uses. */
  public static final NodeNetwork DEFAULT =
      new NodeNetwork(
          "10.213.0.0/16",
          "sekisho0",
          "10.213.255.1",
          "sekisho-cni0",
          "10.213.0.1",
          "10.213.0.0/24",
          "10.213.128.0/24",
          "10.213.128.1",
          "cluster.local");

  /** The prefix every address of {@link #range()} starts with, e.g. {@code "10.213."}. */
  String rangePrefix() {
    String[] octets = range.substring(0, range.indexOf('/')).split("\\.");
    return octets[0] + "." + octets[1] + ".";
  }

  /** The first three octets of the pod range followed by a dot, e.g. {@code "10.213.0."}. */
  String podPrefix() {
    return podCidr.substring(0, podCidr.lastIndexOf('.') + 1);
  }

  /** The prefix length of {@link #podCidr()}, e.g. 24. */
  String podPrefixLength() {
    return podCidr.substring(podCidr.indexOf('/') + 1);
  }
}
