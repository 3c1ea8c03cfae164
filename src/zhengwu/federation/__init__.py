"""Other sign-in methods: national account (OIDC), e-licence scan, certificate (ACC-6)."""
