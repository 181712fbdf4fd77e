"""Two-way dialogue: marketers reply to a response, customers answer by SMS."""
