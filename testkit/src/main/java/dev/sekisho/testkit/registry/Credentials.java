package dev.sekisho.testkit.registry;

/**
 * A user name and password for a {@link RegistryAuth#BASIC} registry.
 *
 * @param username the user name
 * @param password the password (random per registry instance)
 */
public record Credentials(String username, String password) {

  /** The {@code USER:PASSWORD} form that skopeo's {@code --creds} options take. */
  public String colonForm() {
    return username + ":" + password;
  }

  /** The HTTP {@code Authorization} header value: {@code Basic base64(user:password)}. */
  public String basicAuthorization() {
    return "Basic "
        + java.util.Base64.getEncoder()
            .encodeToString(colonForm().getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "Credentials[username=" + username + ", password=***]";
  }
}
