"""Product designs a customer personalizes: parameters and server-rendered SVG previews."""
