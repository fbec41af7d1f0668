using System.Text.Json.Serialization;
using Scalar.AspNetCore;

namespace Mtc.Cloud.Hosting;

internal static class ApiDocs
{
    /// <summary>The OpenAPI document (<c>/openapi/v1.json</c>); its checked-in copy is <c>api/openapi.json</c>.</summary>
    public static WebApplicationBuilder AddApiDocs(this WebApplicationBuilder builder)
    {
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info.Title = "MTConnect Core cloud API";
            doc.Info.Version = "v1";
            doc.Info.Description = "Edge ingest (exactly once) and the external API for integrators. Authenticate with " +
                "'Authorization: Bearer mtc_<id>_<secret>' or 'X-API-Key'. Errors are RFC 9457 problem details with a stable type.";
            return Task.CompletedTask;
        }).AddTextFieldDocs().AddApiContract());
        // Numbers are JSON numbers: the web default also reads them from strings, which makes every number in the document
        // "integer or string" and generated clients type them as such.
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict);
        return builder;
    }

    /// <summary>The document and a reference UI at <c>/docs</c>, both served from this host only.</summary>
    public static WebApplication MapApiDocs(this WebApplication app)
    {
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference("/docs", o => o.WithTitle("MTConnect Core cloud API").DisableDefaultFonts()).AllowAnonymous();
        return app;
    }
}
