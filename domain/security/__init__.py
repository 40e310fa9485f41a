"""Sign-in protection: throttling of failed sign-ins and the TOTP second factor."""
