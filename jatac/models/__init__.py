"""The records jatac keeps, and their rules. Imports nothing of files, git or templates."""
