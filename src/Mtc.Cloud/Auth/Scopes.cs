namespace Mtc.Cloud.Auth;

/// <summary>What a key may do. <c>admin</c> may do everything.</summary>
public static class Scopes
{
    public const string EdgeIngest = "edge:ingest";
    public const string ExtRead = "ext:read";
    public const string ExtWrite = "ext:write";
    public const string Admin = "admin";

    /// <summary>Sign in to the fleet page (the cookie then reads <c>GET /api/ext/machines</c> and <c>GET /api/ext/edges</c>).</summary>
    public const string UiRead = "ui:read";

    public static readonly IReadOnlyList<string> All = [EdgeIngest, ExtRead, ExtWrite, Admin, UiRead];

    public static bool IsKnown(string scope) => All.Contains(scope, StringComparer.Ordinal);
}
