"""Student surveys and their answer shares."""
