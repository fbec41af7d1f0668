namespace Mtc.Cloud.Auth;

/// <summary>What a key may do. <c>admin</c> may do everything.</summary>
public static class Scopes
{
    public const string EdgeIngest = "edge:ingest";
    public const string ExtRead = "ext:read";
    public const string ExtWrite = "ext:write";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [EdgeIngest, ExtRead, ExtWrite, Admin];

    public static bool IsKnown(string scope) => All.Contains(scope, StringComparer.Ordinal);
}
