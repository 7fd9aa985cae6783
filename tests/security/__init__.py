"""The security suite: every attack in the security issue, against live servers on loopback."""
