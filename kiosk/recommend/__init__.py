"""Product suggestions: rules baseline, contextual bandit, offline evaluation."""
