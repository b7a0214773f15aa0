"""What the API and the pages share: the runtime, dependencies, error rendering."""
