namespace Mtc.Edge;

/// <summary>The configuration cannot work; the message is one line naming the setting.</summary>
public sealed class EdgeConfigurationException(string message) : Exception(message);
