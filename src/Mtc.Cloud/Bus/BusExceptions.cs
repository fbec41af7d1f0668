namespace Mtc.Cloud.Bus;

/// <summary>The broker cannot be reached or dropped the connection: transient, the sink reconnects with backoff.</summary>
internal sealed class BusUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>The broker answered but did not take the message (not authorized, quota, no stream): the message is retried later.</summary>
internal sealed class BusRefusedException(string message, Exception? inner = null) : Exception(message, inner);
