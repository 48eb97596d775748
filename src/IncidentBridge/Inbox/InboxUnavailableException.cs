namespace IncidentBridge.Inbox;

/// <summary>The inbox could not commit a delivery: the webhook must answer 503 so the sender retries.</summary>
internal sealed class InboxUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
