package dev.sekisho.scanner.image.registry;

/** A credential for one registry. {@code toString} never shows secrets. */
public sealed interface RegistryCredential {

  /** Where the credential came from, e.g. "docker config ~/.docker/config.json". */
  String source();

  /** A user name and password (or a personal access token used as password). */
  record Basic(String username, String password, String source) implements RegistryCredential {
    @Override
    public String toString() {
      return "user " + username + " (from " + source + ")";
    }
  }

  /**
   * An OAuth2 refresh token ({@code identitytoken} in a Docker config), exchanged at the token
   * endpoint for an access token.
   */
  record IdentityToken(String token, String source) implements RegistryCredential {
    @Override
    public String toString() {
      return "identity token (from " + source + ")";
    }
  }

  /** A ready bearer token ({@code registrytoken} in a Docker config), sent as is. */
  record RegistryToken(String token, String source) implements RegistryCredential {
    @Override
    public String toString() {
      return "registry token (from " + source + ")";
    }
  }

  /**
   * A Kubernetes / OpenShift ServiceAccount token. OpenShift's internal registry accepts it as the
   * password of any user name at its token endpoint (what {@code oc registry login} does), so it is
   * sent as basic credentials of user {@code serviceaccount}.
   */
  record ServiceAccountToken(String token, String source) implements RegistryCredential {
    @Override
    public String toString() {
      return "ServiceAccount token (from " + source + ")";
    }
  }
}
