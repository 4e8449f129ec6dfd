"""Operations: backing up and restoring a deployment (database and uploaded files)."""
