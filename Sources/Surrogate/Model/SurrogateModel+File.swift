import Numerics
import NeuralNet
import TraceIO

extension SurrogateModel {
    /// The model as TraceIO's model-file value (docs/model-file.md), with `provenance` and the
    /// training command recorded.
    public func file(provenance: SurrogateModelFile.Provenance = .init(), trainingCommand: String = "",
                     parameterUnits: [String]? = nil) -> SurrogateModelFile {
        var layers = [SurrogateModelFile.Layer]()
        for l in 0..<mlp.layerCount {
            layers.append(SurrogateModelFile.Layer(weight: mlp.weight(layer: l), bias: mlp.bias(layer: l),
                                                   activation: SurrogateModelFile.Activation(rawValue: mlp.activations[l].rawValue)!))
        }
        let n = normalisation
        return SurrogateModelFile(
            embeddingOrder: embedding.order, augment: embedding.augment, outputCount: embedding.outputCount,
            inputCount: inputCount, parameterCount: parameterCount, layers: layers,
            inputInterpolation: SurrogateModelFile.InputInterpolation(rawValue: interpolation.rawValue)!,
            sampleInterval: sampleInterval, timeScale: timeScale, outputNames: outputNames, inputNames: inputNames,
            parameterNames: parameterNames, outputUnits: outputUnits, inputUnits: inputUnits,
            parameterUnits: parameterUnits ?? Array(repeating: "", count: parameterCount),
            normalisation: .init(outputMean: n.outputMean, outputStd: n.outputStd, inputMean: n.inputMean, inputStd: n.inputStd,
                                 parameterMean: n.parameterMean, parameterStd: n.parameterStd),
            linearTerm: linearTerm, provenance: provenance, trainingCommand: trainingCommand)
    }

    /// The model a model file describes; checks every shape against docs/surrogate-model.md.
    public init(file f: SurrogateModelFile) throws {
        let embedding = try DelayEmbedding(order: f.embeddingOrder, outputCount: f.outputCount, augment: f.augment)
        guard let first = f.layers.first else { throw SurrogateError.invalidModel("model file has no network layers") }
        var widths = [first.weight.columns]
        var activations = [Activation]()
        for (l, layer) in f.layers.enumerated() {
            guard layer.weight.columns == widths[widths.count - 1] else {
                throw SurrogateError.invalidModel("layer \(l) weight is \(layer.weight.rows) x \(layer.weight.columns), expected \(widths[widths.count - 1]) inputs")
            }
            guard layer.bias.count == layer.weight.rows else {
                throw SurrogateError.invalidModel("layer \(l) has \(layer.bias.count) biases for \(layer.weight.rows) outputs")
            }
            widths.append(layer.weight.rows)
            activations.append(Activation(rawValue: layer.activation.rawValue)!)
        }
        var mlp: MLP
        do {
            mlp = try MLP(widths: widths, activations: activations)
            for (l, layer) in f.layers.enumerated() {
                try mlp.setWeight(layer: l, layer.weight)
                try mlp.setBias(layer: l, layer.bias)
            }
        } catch {
            throw SurrogateError.invalidModel("\(error)")
        }
        let n = f.normalisation
        let normalisation = try Normalisation(outputMean: n.outputMean, outputStd: n.outputStd, inputMean: n.inputMean,
                                              inputStd: n.inputStd, parameterMean: n.parameterMean, parameterStd: n.parameterStd)
        try self.init(embedding: embedding, inputCount: f.inputCount, parameterCount: f.parameterCount,
                      sampleInterval: f.sampleInterval, timeScale: f.timeScale,
                      interpolation: InterpolationKind(rawValue: f.inputInterpolation.rawValue)!,
                      normalisation: normalisation, mlp: mlp, linearTerm: f.linearTerm,
                      outputNames: f.outputNames, inputNames: f.inputNames, parameterNames: f.parameterNames,
                      outputUnits: f.outputUnits, inputUnits: f.inputUnits)
    }
}
