import { TAG_JWS_MEDIA_TYPE, TAG_MEDIA_TYPE, TAG_PRETTY_JWS_MEDIA_TYPE } from '@tag-history/domain';
import type { TagView } from '../../queries';
import type { FastifyReply } from 'fastify';
import type { SignedTags } from './signed-tags';

/** The representations of a tag object, in the order `*\/*` prefers them; `application/json` is the `+json` body. */
export const TAG_REPRESENTATIONS = [TAG_MEDIA_TYPE, TAG_JWS_MEDIA_TYPE, TAG_PRETTY_JWS_MEDIA_TYPE, 'application/json'] as const;

/** The tag in the negotiated media type: the view as JSON, or the signed tag as a JWS or pretty JWS. */
export async function representTag(reply: FastifyReply, mediaType: string, view: TagView, signed: SignedTags): Promise<unknown> {
  void reply.header('content-type', mediaType);
  // Sent as text or bytes: Fastify serialises objects only for JSON media types.
  if (mediaType === TAG_JWS_MEDIA_TYPE) return (await signed.get(view)).jws;
  if (mediaType === TAG_PRETTY_JWS_MEDIA_TYPE) return (await signed.get(view)).pretty;
  return view;
}
