"""The product configurator's domain: the choices a customer makes (parsed from the form or
read back from an answer) and the server-rendered SVG drawing of the result."""
