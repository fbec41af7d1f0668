namespace Mtc.Core.Model;

/// <summary>Error codes an agent answers with (<c>Error@errorCode</c>, or the 2.6+ typed elements).</summary>
public static class AgentErrorCodes
{
    public const string OutOfRange = "OUT_OF_RANGE";
    public const string InvalidRequest = "INVALID_REQUEST";
    public const string NoDevice = "NO_DEVICE";
    public const string AssetNotFound = "ASSET_NOT_FOUND";
    public const string TooMany = "TOO_MANY";
    public const string Unsupported = "UNSUPPORTED";
    public const string InvalidUri = "INVALID_URI";
    public const string InvalidXPath = "INVALID_XPATH";
    public const string QueryError = "QUERY_ERROR";
    public const string InternalError = "INTERNAL_ERROR";
    public const string NotFound = "NOT_FOUND";
}

/// <summary>The query parameter a 2.6+ typed error refers to, with its allowed range where the agent gives one.</summary>
public sealed record QueryParameter(string Name, string? Value, long? Minimum, long? Maximum);

/// <summary>One error of an error document. <see cref="Code"/> is the errorCode (e.g. <c>OUT_OF_RANGE</c>).</summary>
public sealed record AgentError(string Code, string Message)
{
    /// <summary>The typed element name in 2.6+ documents (e.g. <c>OutOfRange</c>); null for the classic <c>Error</c>.</summary>
    public string? ElementName { get; init; }
    public QueryParameter? Parameter { get; init; }
}

public sealed record ErrorDocument : MtConnectDocument
{
    public override DocumentKind Kind => DocumentKind.Error;
    public required IReadOnlyList<AgentError> Errors { get; init; }

    public bool Has(string code) => Errors.Any(e => e.Code == code);
}
