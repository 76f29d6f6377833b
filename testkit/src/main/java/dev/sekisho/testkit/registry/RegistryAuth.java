package dev.sekisho.testkit.registry;

/** How a {@link TestRegistry} authenticates clients. */
public enum RegistryAuth {
  /** Anyone may pull and push. */
  ANONYMOUS,
  /**
   * HTTP basic authentication against a bcrypt htpasswd file; requests without valid credentials
   * get {@code 401} with {@code WWW-Authenticate: Basic realm="sekisho-test"}.
   */
  BASIC
}
