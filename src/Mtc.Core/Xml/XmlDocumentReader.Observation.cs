using System.Xml;
using Mtc.Core.Model;

namespace Mtc.Core.Xml;

internal sealed partial class XmlDocumentReader
{
    // Reused while an entry or a data set is read; each result is an exact-size array.
    private readonly List<DataSetEntry> _entries = [];
    private readonly List<TableCell> _cells = [];

    private Observation ReadObservation(DataItemCategory category, ObservationComponent? where)
    {
        string elementName = _reader.LocalName;
        string? dataItemId = null, name = null, subType = null, compositionId = null, resetTriggered = null;
        string? type = null, nativeCode = null, nativeSeverity = null, qualifier = null, conditionId = null;
        long sequence = 0;
        DateTime timestamp = default;
        int? sampleCount = null, count = null;
        double? sampleRate = null;

        if (_reader.MoveToFirstAttribute())
        {
            do
            {
                string attribute = _reader.LocalName;
                if (ReferenceEquals(attribute, _names.DataItemId))
                {
                    dataItemId = AtomizedAttribute();
                }
                else if (ReferenceEquals(attribute, _names.Sequence))
                {
                    sequence = LongAttribute();
                }
                else if (ReferenceEquals(attribute, _names.Timestamp))
                {
                    timestamp = TimestampAttribute();
                }
                else if (ReferenceEquals(attribute, _names.Name))
                {
                    name = AtomizedAttribute();
                }
                else if (ReferenceEquals(attribute, _names.SubType))
                {
                    subType = AtomizedAttribute();
                }
                else if (ReferenceEquals(attribute, _names.CompositionId))
                {
                    compositionId = AtomizedAttribute();
                }
                else if (ReferenceEquals(attribute, _names.NativeCode))
                {
                    nativeCode = AtomizedAttribute();
                }
                else if (ReferenceEquals(attribute, _names.Type))
                {
                    type = AtomizedAttribute();
                }
                else if (ReferenceEquals(attribute, _names.NativeSeverity))
                {
                    nativeSeverity = AtomizedAttribute();
                }
                else if (ReferenceEquals(attribute, _names.Qualifier))
                {
                    qualifier = AtomizedAttribute();
                }
                else if (ReferenceEquals(attribute, _names.ConditionId))
                {
                    conditionId = AtomizedAttribute();
                }
                else if (ReferenceEquals(attribute, _names.SampleCount))
                {
                    sampleCount = IntAttribute();
                }
                else if (ReferenceEquals(attribute, _names.SampleRate))
                {
                    sampleRate = DoubleAttribute();
                }
                else if (ReferenceEquals(attribute, _names.Count))
                {
                    count = IntAttribute();
                }
                else if (ReferenceEquals(attribute, _names.ResetTriggered))
                {
                    resetTriggered = AtomizedAttribute();
                }
            }
            while (_reader.MoveToNextAttribute());

            _reader.MoveToElement();
        }

        if (dataItemId is null)
        {
            throw Fail(FormatErrorKind.InvalidValue, $"<{_reader.Name}> has no dataItemId");
        }

        string? value = null;
        DataSetEntry[]? entries = null;
        if (!_reader.IsEmptyElement)
        {
            ReadObservationContent(ref value, ref entries);
        }

        // Rare properties left null make no details object (see Observation).
        return new Observation
        {
            Category = category,
            ElementName = elementName,
            DataItemId = dataItemId,
            Name = name,
            Sequence = sequence,
            Timestamp = timestamp,
            SubType = subType,
            CompositionId = compositionId,
            Value = value,
            Level = category == DataItemCategory.Condition ? LevelOf(elementName) : null,
            Type = type,
            NativeCode = nativeCode,
            NativeSeverity = nativeSeverity,
            Qualifier = qualifier,
            ConditionId = conditionId,
            SampleCount = sampleCount,
            SampleRate = sampleRate,
            Count = count,
            Entries = entries,
            ResetTriggered = resetTriggered,
            Where = where,
        };
    }

    private ConditionLevel? LevelOf(string elementName)
    {
        if (ReferenceEquals(elementName, _names.Normal))
        {
            return ConditionLevel.Normal;
        }

        if (ReferenceEquals(elementName, _names.Warning))
        {
            return ConditionLevel.Warning;
        }

        if (ReferenceEquals(elementName, _names.Fault))
        {
            return ConditionLevel.Fault;
        }

        return ReferenceEquals(elementName, _names.Unavailable) ? ConditionLevel.Unavailable : null;
    }

    /// <summary>The text of an observation, or the entries of a DataSet or Table.</summary>
    private void ReadObservationContent(ref string? value, ref DataSetEntry[]? entries)
    {
        _entries.Clear();
        bool hasEntries = false;
        int depth = _reader.Depth;
        while (_reader.Read())
        {
            switch (_reader.NodeType)
            {
                case XmlNodeType.Text:
                case XmlNodeType.CDATA:
                case XmlNodeType.SignificantWhitespace:
                    value = value is null ? TextValue() : string.Concat(value, _reader.Value);
                    break;
                case XmlNodeType.Element:
                    CheckDepth();
                    if (ReferenceEquals(_reader.LocalName, _names.Entry))
                    {
                        _entries.Add(ReadEntry());
                        hasEntries = true;
                    }
                    else
                    {
                        Skip();
                    }

                    break;
                case XmlNodeType.EndElement when _reader.Depth == depth:
                    if (hasEntries)
                    {
                        entries = _entries.ToArray();
                    }

                    return;
            }
        }
    }

    private DataSetEntry ReadEntry()
    {
        string? key = null;
        bool removed = false;
        if (_reader.MoveToFirstAttribute())
        {
            do
            {
                string attribute = _reader.LocalName;
                if (ReferenceEquals(attribute, _names.Key))
                {
                    key = AtomizedAttribute();
                }
                else if (ReferenceEquals(attribute, _names.Removed))
                {
                    removed = TrueAttribute();
                }
            }
            while (_reader.MoveToNextAttribute());

            _reader.MoveToElement();
        }

        if (key is null)
        {
            throw Fail(FormatErrorKind.InvalidValue, "<Entry> has no key");
        }

        string? value = null;
        TableCell[]? cells = null;
        if (!_reader.IsEmptyElement)
        {
            _cells.Clear();
            int depth = _reader.Depth;
            while (_reader.Read())
            {
                XmlNodeType nodeType = _reader.NodeType;
                if (nodeType is XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.SignificantWhitespace)
                {
                    value = value is null ? TextValue() : string.Concat(value, _reader.Value);
                }
                else if (nodeType == XmlNodeType.Element)
                {
                    CheckDepth();
                    if (ReferenceEquals(_reader.LocalName, _names.Cell))
                    {
                        _cells.Add(ReadCell());
                    }
                    else
                    {
                        Skip();
                    }
                }
                else if (nodeType == XmlNodeType.EndElement && _reader.Depth == depth)
                {
                    if (_cells.Count > 0)
                    {
                        cells = _cells.ToArray();
                    }

                    break;
                }
            }
        }

        return new DataSetEntry(key, value, removed, cells);
    }

    private TableCell ReadCell()
    {
        string? key = null;
        if (_reader.MoveToFirstAttribute())
        {
            do
            {
                if (ReferenceEquals(_reader.LocalName, _names.Key))
                {
                    key = AtomizedAttribute();
                }
            }
            while (_reader.MoveToNextAttribute());

            _reader.MoveToElement();
        }

        if (key is null)
        {
            throw Fail(FormatErrorKind.InvalidValue, "<Cell> has no key");
        }

        return new TableCell(key, ReadText(shared: true));
    }
}
