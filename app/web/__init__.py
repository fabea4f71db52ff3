"""Request plumbing: rendering a page or its fragment, template helpers, headers, hooks, errors, languages."""
