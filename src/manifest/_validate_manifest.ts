/**
 * Field-by-field validation of the three manifest shapes.
 *
 * @module
 */
import {
  type ImageIndex,
  type ImageManifest,
  isDockerLayerType,
  MediaType,
  type Schema1Manifest,
} from "../types/mod.ts";
import {
  checkAnnotations,
  checkDescriptor,
  checkDigest,
  fail,
  isObject,
  isValidMediaType,
  type JsonObject,
} from "./_checks.ts";

function checkCommon(what: string, doc: JsonObject): void {
  if (doc.artifactType !== undefined && !isValidMediaType(doc.artifactType)) {
    fail(what, "artifactType must be a media type");
  }
  if (doc.subject !== undefined) checkDescriptor(what, "subject", doc.subject);
  checkAnnotations(what, "annotations", doc.annotations);
}

/** Validates an image manifest (OCI or Docker schema 2) whose media type is `mediaType`. */
export function validateImageManifest(
  what: string,
  doc: JsonObject,
  mediaType: string,
): ImageManifest {
  if (doc.config === undefined) fail(what, "config is required");
  checkDescriptor(what, "config", doc.config);
  if (doc.layers === undefined) fail(what, "layers is required");
  if (!Array.isArray(doc.layers)) fail(what, "layers must be an array");
  doc.layers.forEach((layer, i) => checkDescriptor(what, `layers[${i}]`, layer));
  checkCommon(what, doc);
  if (mediaType === MediaType.DockerManifest) {
    doc.layers.forEach((layer, i) => {
      const type = (layer as JsonObject).mediaType as string;
      if (!isDockerLayerType(type)) {
        fail(what, `layers[${i}] has media type "${type}", which a Docker manifest cannot hold`);
      }
    });
  }
  return doc as unknown as ImageManifest;
}

/** Validates an OCI index or Docker manifest list. */
export function validateIndex(what: string, doc: JsonObject): ImageIndex {
  if (doc.manifests === undefined) fail(what, "manifests is required");
  if (!Array.isArray(doc.manifests)) fail(what, "manifests must be an array");
  doc.manifests.forEach((entry, i) => checkDescriptor(what, `manifests[${i}]`, entry));
  checkCommon(what, doc);
  return doc as unknown as ImageIndex;
}

/** Validates a Docker schema 1 manifest. */
export function validateSchema1(what: string, doc: JsonObject): Schema1Manifest {
  for (const field of ["name", "tag", "architecture"]) {
    if (typeof doc[field] !== "string") fail(what, `${field} is required and must be a string`);
  }
  const { fsLayers, history } = doc;
  if (!Array.isArray(fsLayers) || fsLayers.length === 0) {
    fail(what, "fsLayers must be a non-empty array");
  }
  if (!Array.isArray(history) || history.length !== fsLayers.length) {
    fail(what, `history must be an array as long as fsLayers (${fsLayers.length})`);
  }
  fsLayers.forEach((layer, i) => {
    if (!isObject(layer)) fail(what, `fsLayers[${i}] must be an object`);
    checkDigest(what, `fsLayers[${i}].blobSum`, layer.blobSum);
  });
  history.forEach((entry, i) => {
    if (!isObject(entry) || typeof entry.v1Compatibility !== "string") {
      fail(what, `history[${i}].v1Compatibility must be a string`);
    }
  });
  if (doc.signatures !== undefined) {
    if (!Array.isArray(doc.signatures)) fail(what, "signatures must be an array");
    doc.signatures.forEach((sig, i) => {
      if (
        !isObject(sig) || typeof sig.protected !== "string" || typeof sig.signature !== "string"
      ) {
        fail(what, `signatures[${i}] must have string protected and signature fields`);
      }
    });
  }
  return doc as unknown as Schema1Manifest;
}
