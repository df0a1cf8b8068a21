import { Module } from '@nestjs/common';
import { GithubExampleSource } from './example-github.source';
import { GithubSignatureVerifier } from './github-signature.verifier';

@Module({ providers: [GithubExampleSource, GithubSignatureVerifier] })
export class GithubExampleSourceModule {}
