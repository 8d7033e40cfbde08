/**
 * A reference for bench:api: NestJS with @nestjs/graphql on Apollo answering `{ hello }`, with
 * nothing of the ledger. It shows how much of the gap between the bare Apollo server and the
 * ledger's API is the framework itself, measured in the same run.
 */
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { GraphQLModule, Query, Resolver } from '@nestjs/graphql';
import { ApolloDriver } from '@nestjs/apollo';
import type { ApolloDriverConfig } from '@nestjs/apollo';

@Resolver()
class HelloResolver {
  @Query(() => String)
  hello(): string {
    return 'world';
  }
}

@Module({
  imports: [GraphQLModule.forRoot<ApolloDriverConfig>({ driver: ApolloDriver, autoSchemaFile: true, graphiql: false })],
  providers: [HelloResolver],
})
class HelloModule {}

export async function nestHello(port: number): Promise<{ url: string; stop: () => Promise<void> }> {
  const app = await NestFactory.create(HelloModule, { logger: false });
  await app.listen(port, '127.0.0.1');
  return { url: `http://127.0.0.1:${port}/graphql`, stop: () => app.close() };
}
